/**
 * Labelled descriptions for the category suggester: what citizens write (colloquial, with the
 * misspellings phone pinyin input makes, sometimes in English or both) and the category a
 * dispatcher would file it under; `null` when no category fits and the suggester must not be
 * confident. Locations are made up.
 *
 * The first part was written together with the vocabulary, so the suggester does well on it by
 * construction. Each held-out batch after it was written without looking at the vocabulary and
 * measured once before the vocabulary learned from it; those first measurements are the honest
 * estimate of how the suggester does on descriptions nobody tuned it for (see the issue note).
 */

/** One labelled description. */
export interface SuggestCase {
  text: string;
  /** The category code a dispatcher would choose, or null: no category fits. */
  expected: string | null;
}

/** The evaluation set of suggest.test.ts. */
export const suggestCases: readonly SuggestCase[] = [
  // ── manhole-cover-missing ──
  { text: '井盖不见了，很危险', expected: 'manhole-cover-missing' },
  { text: '我们小区门口那个井盖被人偷了，晚上看不见容易掉下去', expected: 'manhole-cover-missing' },
  { text: '解放路和中山路交叉口有个下水道盖子没了，已经有电动车差点摔进去', expected: 'manhole-cover-missing' },
  { text: '阴井盖丢了 路中间一个洞口敞着', expected: 'manhole-cover-missing' },
  {
    text: 'The manhole cover outside the primary school is missing, someone could fall in.',
    expected: 'manhole-cover-missing',
  },
  { text: '窨井盖没有了，只用个路障围着', expected: 'manhole-cover-missing' },
  { text: 'manhole cover 不见了，在地铁站A出口', expected: 'manhole-cover-missing' },

  // ── manhole-cover-damaged ──
  { text: '井盖破了一个角，车一压就哐哐响', expected: 'manhole-cover-damaged' },
  { text: '人行道上的井盖松动了，踩上去会翻', expected: 'manhole-cover-damaged' },
  { text: '井盖下沉了，比路面低好多', expected: 'manhole-cover-damaged' },
  { text: '窨井盖裂开了好几道缝', expected: 'manhole-cover-damaged' },
  {
    text: 'Cracked manhole cover on Zhongshan Road, it rattles every time a bus goes over',
    expected: 'manhole-cover-damaged',
  },

  // ── streetlight-out ──
  { text: '路灯不亮', expected: 'streetlight-out' },
  { text: '我家楼下的路灯坏了一个星期了，晚上黑漆漆的', expected: 'streetlight-out' },
  { text: '这条路的街灯全灭了，走夜路很害怕', expected: 'streetlight-out' },
  { text: '路灯一闪一闪的，忽明忽暗，好几天了', expected: 'streetlight-out' },
  { text: 'Street lights on Binhe Road have been out for three nights', expected: 'streetlight-out' },
  { text: '小区门口的streetlight不亮了', expected: 'streetlight-out' },
  { text: '不是井盖的问题，是路灯坏了一直没人修', expected: 'streetlight-out' },
  { text: '河边步道晚上黑灯瞎火的，灯都不亮', expected: 'streetlight-out' },

  // ── road-damaged ──
  { text: '马路上有个大坑，骑车差点摔倒', expected: 'road-damaged' },
  { text: '这段路坑坑洼洼的，车子开过去很颠', expected: 'road-damaged' },
  { text: '路面沥青都裂开了，到处是裂缝和坑', expected: 'road-damaged' },
  { text: 'Huge pothole in the middle of the road near the bridge', expected: 'road-damaged' },
  { text: '新修的路才半年路面就破了', expected: 'road-damaged' },

  // ── sidewalk-damaged ──
  { text: '人行道的地砖松了，一踩就溅一身泥水', expected: 'sidewalk-damaged' },
  { text: '人行道砖头碎了好多块，老人容易绊倒', expected: 'sidewalk-damaged' },
  { text: '盲道被破坏了，砖都翘起来了', expected: 'sidewalk-damaged' },
  { text: 'The pavement tiles are broken and loose outside the metro exit', expected: 'sidewalk-damaged' },

  // ── guardrail-damaged ──
  { text: '路中间的隔离栏被车撞倒了一大片', expected: 'guardrail-damaged' },
  { text: '桥上护栏断了，很危险', expected: 'guardrail-damaged' },
  { text: '河边的栏杆坏了，小孩容易掉下去', expected: 'guardrail-damaged' },
  { text: 'The guard rail on the overpass is bent and broken after an accident', expected: 'guardrail-damaged' },

  // ── bus-shelter-damaged ──
  { text: '公交站的候车亭玻璃碎了一地', expected: 'bus-shelter-damaged' },
  { text: '公交站台的座椅坏了，顶棚也漏雨', expected: 'bus-shelter-damaged' },
  { text: '公交站牌被撞歪了，看不清是哪路车', expected: 'bus-shelter-damaged' },
  { text: 'Bus shelter glass smashed at the Wuyi Square stop', expected: 'bus-shelter-damaged' },

  // ── public-toilet-fault ──
  { text: '公厕的水冲不了，臭气熏天', expected: 'public-toilet-fault' },
  { text: '广场旁边的公共厕所门锁坏了，一直没人修', expected: 'public-toilet-fault' },
  { text: '公共卫生间洗手池没水', expected: 'public-toilet-fault' },
  { text: 'Public toilet near the market is blocked and nobody fixes it', expected: 'public-toilet-fault' },
  { text: '厕所没有灯，晚上根本没法用', expected: 'public-toilet-fault' },

  // ── waterlogging ──
  { text: '下大雨后这个路口积水很深，车都熄火了', expected: 'waterlogging' },
  { text: '隧道里面水浸了，淹到半个轮子', expected: 'waterlogging' },
  { text: '每次下雨地下通道就被淹，走不过去', expected: 'waterlogging' },
  { text: 'The underpass is flooded again after the storm', expected: 'waterlogging' },
  { text: '小区门口一下雨就成了汪洋大海', expected: 'waterlogging' },
  { text: '路上积水太深了，都没过脚脖子', expected: 'waterlogging' },

  // ── water-main-burst ──
  { text: '路边水管爆了，水哗哗往外喷', expected: 'water-main-burst' },
  { text: '地上一直在冒水，好像是自来水管破了', expected: 'water-main-burst' },
  { text: '消防栓漏水漏了一整天了，太浪费水', expected: 'water-main-burst' },
  { text: 'Water main burst on Huanshi Road, water gushing out everywhere', expected: 'water-main-burst' },

  // ── sewage-overflow ──
  { text: '下水道反水，污水流得满地都是，臭死了', expected: 'sewage-overflow' },
  { text: '化粪池满了往外溢，整条巷子都是屎尿味', expected: 'sewage-overflow' },
  { text: '污水井冒黑水，流到马路上', expected: 'sewage-overflow' },
  { text: 'Raw sewage coming up from the drain in the alley', expected: 'sewage-overflow' },

  // ── drain-blocked ──
  { text: '雨水口被树叶堵住了，水排不下去', expected: 'drain-blocked' },
  { text: '路边的排水沟堵了好久，一下雨就漫出来', expected: 'drain-blocked' },
  { text: '雨水篦子被垃圾塞满了', expected: 'drain-blocked' },
  { text: 'Storm drain is clogged with mud and leaves', expected: 'drain-blocked' },

  // ── water-outage ──
  { text: '我们小区从早上开始停水，到现在都没来水', expected: 'water-outage' },
  { text: '家里水龙头没水了，也没有接到停水通知', expected: 'water-outage' },
  { text: '楼上水压太小，水都上不去', expected: 'water-outage' },
  { text: 'No water in our building since this morning', expected: 'water-outage' },
  { text: '都两天没有自来水了，怎么回事', expected: 'water-outage' },

  // ── river-polluted ──
  { text: '河涌里的水又黑又臭，夏天根本不敢开窗', expected: 'river-polluted' },
  { text: '河里漂着很多死鱼，可能有人偷排', expected: 'river-polluted' },
  { text: '有工厂往河里排污水，河面一层油', expected: 'river-polluted' },
  { text: 'The canal behind the village is black and stinks', expected: 'river-polluted' },

  // ── garbage-piled ──
  { text: '小区后门垃圾堆成山了，一个多星期没人清理', expected: 'garbage-piled' },
  { text: '路边有人乱扔生活垃圾，苍蝇蚊子很多', expected: 'garbage-piled' },
  { text: '巷子里堆满了拉圾，臭气熏天', expected: 'garbage-piled' },
  { text: 'Rubbish piled up by the roadside, nobody collects it', expected: 'garbage-piled' },
  { text: '楼下空地堆了一堆旧家具和杂物，好久了没人管', expected: 'garbage-piled' },

  // ── bin-overflowing ──
  { text: '垃圾桶都满出来了，垃圾撒了一地', expected: 'bin-overflowing' },
  { text: '垃圾箱爆满两天了，没人来倒', expected: 'bin-overflowing' },
  { text: '小区的垃圾桶太少了天天满溢', expected: 'bin-overflowing' },
  { text: 'The bins on the high street are overflowing', expected: 'bin-overflowing' },

  // ── street-not-cleaned ──
  { text: '这条街好几天没人扫了，满地落叶和烟头', expected: 'street-not-cleaned' },
  { text: '路面全是泥巴，环卫工人也不来清扫', expected: 'street-not-cleaned' },
  { text: '步行街上到处是狗屎，没人打扫', expected: 'street-not-cleaned' },
  { text: "The street hasn't been swept for a week, it's filthy", expected: 'street-not-cleaned' },

  // ── construction-waste-dumped ──
  { text: '有人半夜在空地上乱倒建筑垃圾', expected: 'construction-waste-dumped' },
  { text: '装修垃圾直接堆在路边，砖头水泥块一大堆', expected: 'construction-waste-dumped' },
  { text: '泥头车在路边偷倒渣土', expected: 'construction-waste-dumped' },
  { text: 'Someone dumped a load of building rubble on the verge', expected: 'construction-waste-dumped' },

  // ── dead-animal ──
  { text: '马路中间有只死猫，被车压了', expected: 'dead-animal' },
  { text: '小区路边有一条死狗，已经发臭了', expected: 'dead-animal' },
  { text: '楼下有只死老鼠好几天了没人处理', expected: 'dead-animal' },
  { text: 'Dead dog lying on the side of the road', expected: 'dead-animal' },

  // ── waste-sorting-violation ──
  { text: '小区垃圾分类形同虚设，厨余垃圾和其他垃圾都混在一起', expected: 'waste-sorting-violation' },
  { text: '垃圾车来收的时候把分好类的垃圾又倒在一起了', expected: 'waste-sorting-violation' },
  { text: '有邻居天天不分类乱投放', expected: 'waste-sorting-violation' },
  { text: 'People keep putting food waste in the recycling bin', expected: 'waste-sorting-violation' },

  // ── illegal-parking ──
  { text: '有辆车停在人行道上，把路都堵死了', expected: 'illegal-parking' },
  { text: '小区门口天天有人乱停车，进出很不方便', expected: 'illegal-parking' },
  { text: '车子违停在公交车站，公交车都进不了站', expected: 'illegal-parking' },
  { text: '有车堵住了我家车库门口，打电话也不来挪车', expected: 'illegal-parking' },
  { text: 'Car parked on the pavement blocking the wheelchair ramp', expected: 'illegal-parking' },
  { text: '违张停车太多了 晚上根本过不去', expected: 'illegal-parking' },

  // ── abandoned-vehicle ──
  { text: '小区里有辆车停了大半年都没动过，全是灰，轮胎都瘪了', expected: 'abandoned-vehicle' },
  { text: '路边有辆没有车牌的破车，一直停着', expected: 'abandoned-vehicle' },
  { text: '楼下有辆报废的面包车扔在那好几个月了', expected: 'abandoned-vehicle' },
  { text: "There's an abandoned car with flat tyres that hasn't moved in months", expected: 'abandoned-vehicle' },

  // ── shared-bikes-cluttered ──
  { text: '地铁口共享单车堆得人都过不去', expected: 'shared-bikes-cluttered' },
  { text: '美团和哈啰的单车乱停乱放，倒了一地', expected: 'shared-bikes-cluttered' },
  { text: '人行道上全是共享单车，轮椅根本过不去', expected: 'shared-bikes-cluttered' },
  { text: 'Dockless bikes dumped all over the pavement outside the station', expected: 'shared-bikes-cluttered' },

  // ── traffic-signal-fault ──
  { text: '十字路口的红绿灯不亮了，车都乱了', expected: 'traffic-signal-fault' },
  { text: '这个路口信号灯一直是红灯，不变绿', expected: 'traffic-signal-fault' },
  { text: '人行横道的绿灯时间太短，老人走不过去', expected: 'traffic-signal-fault' },
  { text: 'Traffic lights at the junction are out, it is chaos', expected: 'traffic-signal-fault' },
  { text: '红路灯坏了，路口好乱', expected: 'traffic-signal-fault' },

  // ── road-sign-damaged ──
  { text: '路口的指示牌被撞倒了', expected: 'road-sign-damaged' },
  { text: '限速标志牌歪了，快掉了', expected: 'road-sign-damaged' },
  { text: '斑马线都磨没了，看不清', expected: 'road-sign-damaged' },
  { text: 'The stop sign at the corner has been knocked over', expected: 'road-sign-damaged' },
  { text: '弯道的反光镜碎了', expected: 'road-sign-damaged' },

  // ── road-works-unpermitted ──
  { text: '这条路又被挖开了，施工也没有围挡和警示牌', expected: 'road-works-unpermitted' },
  { text: '马路挖了一个多月了不填回去，车都没法走', expected: 'road-works-unpermitted' },
  { text: '有施工队占了半条路在挖管道，不知道有没有审批', expected: 'road-works-unpermitted' },
  { text: 'Road dug up without any warning signs or permit', expected: 'road-works-unpermitted' },

  // ── street-vending ──
  { text: '菜市场门口一堆小贩摆地摊，路都堵了', expected: 'street-vending' },
  { text: '晚上有很多流动摊贩在路边卖东西，走都走不动', expected: 'street-vending' },
  { text: '天桥上有人摆摊卖东西', expected: 'street-vending' },
  { text: 'Street hawkers blocking the pavement outside the metro station', expected: 'street-vending' },

  // ── shop-spillover ──
  { text: '楼下的饭店把桌子摆到人行道上，行人只能走马路', expected: 'shop-spillover' },
  { text: '水果店把货都堆到店门外面了', expected: 'shop-spillover' },
  { text: '修车店在店门口修车，占用人行道', expected: 'shop-spillover' },
  { text: 'The shop keeps its goods outside on the sidewalk, blocking the way', expected: 'shop-spillover' },

  // ── illegal-flyposting ──
  { text: '电线杆上贴满了办证小广告', expected: 'illegal-flyposting' },
  { text: '楼道里到处是开锁、疏通下水道的小广告', expected: 'illegal-flyposting' },
  { text: '墙上被人贴满了牛皮癣', expected: 'illegal-flyposting' },
  { text: 'Posters and stickers stuck all over the lamp posts', expected: 'illegal-flyposting' },

  // ── billboard-unsafe ──
  { text: '店铺门口的招牌松了，风一吹就晃，快掉下来了', expected: 'billboard-unsafe' },
  { text: '楼顶的大广告牌生锈倾斜了，台风来了很危险', expected: 'billboard-unsafe' },
  { text: "Big billboard on the roof looks like it's about to fall", expected: 'billboard-unsafe' },

  // ── illegal-construction ──
  { text: '隔壁楼顶在搭违建，已经搭了两层铁皮房', expected: 'illegal-construction' },
  { text: '一楼住户私自扩建，把院子圈起来了', expected: 'illegal-construction' },
  { text: '有人在小区空地上违章搭建了一个棚子', expected: 'illegal-construction' },
  { text: 'Neighbour is building an illegal extension on the roof', expected: 'illegal-construction' },

  // ── graffiti ──
  { text: '新刷的墙被人乱涂乱画', expected: 'graffiti' },
  { text: '桥墩上全是喷漆涂鸦', expected: 'graffiti' },
  { text: 'Graffiti sprayed all over the underpass walls', expected: 'graffiti' },

  // ── noise-nuisance ──
  { text: '楼下广场舞音响太大声了，吵得孩子没法写作业', expected: 'noise-nuisance' },
  { text: '隔壁酒吧每天放音乐到凌晨两点，吵得睡不着', expected: 'noise-nuisance' },
  { text: '楼上装修噪音从早到晚，周末也不停', expected: 'noise-nuisance' },
  { text: '邻居的狗天天晚上叫个不停', expected: 'noise-nuisance' },
  { text: '燥音扰民，天天这样', expected: 'noise-nuisance' },
  { text: 'Loud music from the KTV every night', expected: 'noise-nuisance' },

  // ── construction-noise-night ──
  { text: '工地晚上12点还在施工，打桩声音震天响', expected: 'construction-noise-night' },
  { text: '凌晨三点还在用挖掘机干活，吵死了', expected: 'construction-noise-night' },
  { text: '对面工地通宵施工，严重影响休息', expected: 'construction-noise-night' },
  { text: 'Construction site working through the night with jackhammers', expected: 'construction-noise-night' },

  // ── cooking-fumes ──
  { text: '楼下餐馆的油烟直接排到我家窗户', expected: 'cooking-fumes' },
  { text: '烧烤店的烟太大了，熏得整栋楼都是味', expected: 'cooking-fumes' },
  { text: 'Restaurant kitchen exhaust blowing into our flat', expected: 'cooking-fumes' },

  // ── dust-pollution ──
  { text: '旁边工地灰尘太大了，窗户都不敢开', expected: 'dust-pollution' },
  { text: '渣土车没盖篷布，一路洒土，尘土飞扬', expected: 'dust-pollution' },
  { text: 'Lots of dust from the building works, cars are covered in it', expected: 'dust-pollution' },

  // ── open-burning ──
  { text: '有人在田里烧秸秆，烟很大', expected: 'open-burning' },
  { text: '小区后面有人烧垃圾，黑烟滚滚，味道很难闻', expected: 'open-burning' },
  { text: 'Someone is burning rubbish in the open field, thick black smoke', expected: 'open-burning' },

  // ── tree-fallen ──
  { text: '台风把路边的大树刮倒了，压住了一辆车', expected: 'tree-fallen' },
  { text: '树倒在马路中间，车过不去', expected: 'tree-fallen' },
  { text: '小区里的一棵树歪了快要倒了', expected: 'tree-fallen' },
  { text: 'A tree fell across the road after the storm', expected: 'tree-fallen' },

  // ── branches-obstructing ──
  { text: '树枝太长挡住了红绿灯，司机看不见', expected: 'branches-obstructing' },
  { text: '路边的树枝伸到马路上，公交车经常刮到', expected: 'branches-obstructing' },
  { text: '小区的树长得太密，树枝伸进我家窗户，需要修剪', expected: 'branches-obstructing' },
  { text: 'Overhanging branches are blocking the street sign', expected: 'branches-obstructing' },

  // ── green-space-damaged ──
  { text: '小区绿化带被人挖了种菜', expected: 'green-space-damaged' },
  { text: '有人把车开到草坪上，草地被压坏了', expected: 'green-space-damaged' },
  { text: '花坛里的花被人偷挖了', expected: 'green-space-damaged' },
  { text: 'Someone has been trampling the flower beds in the square', expected: 'green-space-damaged' },

  // ── park-facility-damaged ──
  { text: '公园里的健身器材坏了，扶手都断了', expected: 'park-facility-damaged' },
  { text: '儿童滑梯有个地方裂开了，会刮伤小孩', expected: 'park-facility-damaged' },
  { text: '公园的长椅坏了好久了', expected: 'park-facility-damaged' },
  { text: 'The swings in the playground are broken', expected: 'park-facility-damaged' },

  // ── fire-lane-blocked ──
  { text: '消防通道被私家车占了，消防车根本进不来', expected: 'fire-lane-blocked' },
  { text: '楼道里堆满了杂物和电动车，走都走不了', expected: 'fire-lane-blocked' },
  { text: '商场的安全出口被锁住了', expected: 'fire-lane-blocked' },
  { text: 'Cars parked in the fire lane again', expected: 'fire-lane-blocked' },

  // ── gas-smell ──
  { text: '楼道里有很浓的煤气味，不知道哪里漏气了', expected: 'gas-smell' },
  { text: '路边闻到一股天然气的味道，像臭鸡蛋', expected: 'gas-smell' },
  { text: '燃气管道好像破了，嘶嘶响', expected: 'gas-smell' },
  { text: 'Strong smell of gas in the stairwell', expected: 'gas-smell' },

  // ── road-collapse ──
  { text: '路面突然塌陷了一个大坑，有一米多深', expected: 'road-collapse' },
  { text: '马路中间陷下去一个大洞', expected: 'road-collapse' },
  { text: '路边塌了一块，下面是空的', expected: 'road-collapse' },
  { text: 'Sinkhole opened up in the middle of the road', expected: 'road-collapse' },

  // ── unsafe-building ──
  { text: '我们这栋老楼墙体开裂很严重，担心会倒', expected: 'unsafe-building' },
  { text: '外墙瓷砖经常往下掉，差点砸到人', expected: 'unsafe-building' },
  { text: '楼上邻居把承重墙拆了', expected: 'unsafe-building' },
  { text: 'The old building next door is leaning and has big cracks', expected: 'unsafe-building' },

  // ── food-safety ──
  { text: '在这家饭店吃完全家都拉肚子', expected: 'food-safety' },
  { text: '超市卖过期的牛奶', expected: 'food-safety' },
  { text: '外卖里吃出了虫子', expected: 'food-safety' },
  { text: 'The restaurant kitchen is filthy, cockroaches everywhere', expected: 'food-safety' },

  // ── unlicensed-business ──
  { text: '小区里有个黑诊所，没有执照在给人打针', expected: 'unlicensed-business' },
  { text: '居民楼里开了个小作坊，无证经营', expected: 'unlicensed-business' },
  { text: '这家店一直没挂营业执照', expected: 'unlicensed-business' },
  { text: 'Shop trading without a business licence', expected: 'unlicensed-business' },

  // ── price-gouging ──
  { text: '景区门口的餐馆宰客，一碗面收一百块', expected: 'price-gouging' },
  { text: '菜市场卖菜的缺斤少两', expected: 'price-gouging' },
  { text: '店里商品都没有标价，结账的时候乱收费', expected: 'price-gouging' },
  { text: 'The taxi driver overcharged me at the station', expected: 'price-gouging' },

  // ── no category fits: no confident suggestion ──
  { text: '你好', expected: null },
  { text: '谢谢', expected: null },
  { text: '在吗？', expected: null },
  { text: '请问怎么投诉', expected: null },
  { text: '今天天气真好', expected: null },
  { text: '我想查一下我的社保缴费记录', expected: null },
  { text: '测试', expected: null },
  { text: '123456', expected: null },
  { text: '😀😀😀', expected: null },
  { text: 'hello', expected: null },
  { text: 'thanks a lot', expected: null },
  { text: '我要办护照需要什么材料', expected: null },
  { text: '孩子上学的事情想咨询一下', expected: null },
  { text: '？？？', expected: null },
  { text: '好的收到', expected: null },
  { text: 'asdfgh', expected: null },
  { text: '我的快递丢了', expected: null },

  // ── first held-out batch: written after the first vocabulary without looking at it; measured before any change it prompted ──
  { text: '您好，幸福路88号门口的井盖好像被人撬走了，现在就剩个黑窟窿', expected: 'manhole-cover-missing' },
  { text: '井盖响了一晚上，每过一辆车就咣当一声，吵得睡不着', expected: 'manhole-cover-damaged' },
  { text: '学校门口那条路的路灯坏了三盏，小孩放学天都黑了', expected: 'streetlight-out' },
  { text: '晚上小区外面那条路一盏灯都没有亮，黑得伸手不见五指', expected: 'streetlight-out' },
  { text: '路灯白天一直亮着，晚上反而不亮，浪费电', expected: 'streetlight-out' },
  { text: '前面那个路口有个坑，下雨看不见，好几个电动车摔了', expected: 'road-damaged' },
  { text: '柏油路被大货车压得全是车辙和坑', expected: 'road-damaged' },
  { text: '人行道上的砖缺了好几块，坑坑洼洼的，推婴儿车很难走', expected: 'sidewalk-damaged' },
  { text: '盲道上的砖掉了好多', expected: 'sidewalk-damaged' },
  { text: '高架桥下面的防护栏被撞弯了', expected: 'guardrail-damaged' },
  { text: '候车亭的广告灯箱碎了，玻璃渣掉一地', expected: 'bus-shelter-damaged' },
  { text: '公交站那个等车的棚子塌了一半', expected: 'bus-shelter-damaged' },
  { text: '公园门口的厕所一直锁着不开门，想上厕所都没地方', expected: 'public-toilet-fault' },
  { text: '公厕里的感应水龙头坏了，一直流水', expected: 'public-toilet-fault' },
  { text: '昨晚暴雨，我们村口那条路全被水淹了，水有膝盖那么深', expected: 'waterlogging' },
  { text: '地下车库进水了，好多车泡在水里', expected: 'waterlogging' },
  { text: '马路边有个地方一直往外冒清水，好几天了，应该是管子漏了', expected: 'water-main-burst' },
  { text: '自来水管爆裂，街上都是水，水压很大', expected: 'water-main-burst' },
  { text: '我们楼下的下水道往上翻污水，又臭又脏', expected: 'sewage-overflow' },
  { text: '化粪池的盖子缝里一直往外渗粪水', expected: 'sewage-overflow' },
  { text: '路边下水口全是落叶，下雨水都流不走', expected: 'drain-blocked' },
  { text: '排水口被水泥封住了，一下雨就积一大片水', expected: 'drain-blocked' },
  { text: '我们这一片从昨晚十点开始就没水了，也没通知', expected: 'water-outage' },
  { text: '高层的水上不去，五楼以上都没有水用', expected: 'water-outage' },
  { text: '小区旁边那条河水发绿发臭，还有泡沫', expected: 'river-polluted' },
  { text: '看到有人把一桶桶的废液往河涌里倒', expected: 'river-polluted' },
  { text: '垃圾站旁边的垃圾都堆到路上了，好几天没拉走', expected: 'garbage-piled' },
  { text: '巷子口不知道谁扔了一堆生活垃圾和旧沙发', expected: 'garbage-piled' },
  { text: '分类垃圾桶全都装满了，袋子都放地上了', expected: 'bin-overflowing' },
  { text: '路边的果皮箱塞得满满的，也没人清', expected: 'bin-overflowing' },
  { text: '早上这条街都没有保洁员扫地，满地纸屑', expected: 'street-not-cleaned' },
  { text: '菜市场外面的路上全是烂菜叶和污水，脏得很', expected: 'street-not-cleaned' },
  { text: '晚上有大货车来往绿化带旁边倒碎砖和废料', expected: 'construction-waste-dumped' },
  { text: '谁家装修的垃圾全扔在楼下花坛旁边了', expected: 'construction-waste-dumped' },
  { text: '路边草丛里有只死掉的流浪猫，味道很大', expected: 'dead-animal' },
  { text: '小区池塘里有只死鸭子浮着', expected: 'dead-animal' },
  { text: '有的人家把厨余垃圾直接丢进可回收的桶里', expected: 'waste-sorting-violation' },
  { text: '保洁员把分好的垃圾又全倒进一个车里', expected: 'waste-sorting-violation' },
  { text: '有辆白色小车天天停在小区消防栓前面', expected: 'illegal-parking' },
  { text: '路口转角那里天天有人把车停在斑马线上', expected: 'illegal-parking' },
  { text: '一辆货车停在我们单元门口，挡住了路，一整天都不走', expected: 'illegal-parking' },
  { text: '一辆白色面包车在小区停车场停了一年多，积了厚厚一层灰，没人开', expected: 'abandoned-vehicle' },
  { text: '路边有一辆烧毁的汽车放了很久了', expected: 'abandoned-vehicle' },
  { text: '地铁站出口的单车停得乱七八糟，盲道都被占了', expected: 'shared-bikes-cluttered' },
  { text: '共享电单车堆在公交站，等车都没地方站', expected: 'shared-bikes-cluttered' },
  { text: '路口的红绿灯黄灯一直闪，车都不知道怎么走', expected: 'traffic-signal-fault' },
  { text: '过马路的行人灯坏了，一直不亮', expected: 'traffic-signal-fault' },
  { text: '路边的禁止停车牌子被撞倒了', expected: 'road-sign-damaged' },
  { text: '路上的导向箭头和车道线都看不清了', expected: 'road-sign-damaged' },
  { text: '我们家门口的路刚修好又被挖了，也没看到施工公告', expected: 'road-works-unpermitted' },
  { text: '有人在路边挖沟埋电缆，没有任何警示', expected: 'road-works-unpermitted' },
  { text: '地铁口一到下班时间就有人推着小车卖炒粉', expected: 'street-vending' },
  { text: '学校门口摆了好多卖零食的摊子', expected: 'street-vending' },
  { text: '五金店把货架全摆到门外的人行道上', expected: 'shop-spillover' },
  { text: '餐厅晚上把桌椅摆到店外面，占了半条人行道', expected: 'shop-spillover' },
  { text: '小区楼道和电梯里被人贴了很多广告', expected: 'illegal-flyposting' },
  { text: '有人往每家门缝里塞卡片广告', expected: 'illegal-flyposting' },
  { text: '商铺的广告招牌一半已经脱落了，底下还有人走', expected: 'billboard-unsafe' },
  { text: '隔壁在屋顶上又盖了一层，肯定没有手续', expected: 'illegal-construction' },
  { text: '楼下住户把车库改成住房还往外扩了一块', expected: 'illegal-construction' },
  { text: '小区墙上被人用油漆写满了字', expected: 'graffiti' },
  { text: '每天早上六点就有人在小区里放大音响跳舞', expected: 'noise-nuisance' },
  { text: '隔壁邻居半夜打麻将，声音很大', expected: 'noise-nuisance' },
  { text: '工地晚上十一点还有搅拌车进出，轰隆隆的', expected: 'construction-noise-night' },
  { text: '地铁施工每天半夜都在敲敲打打', expected: 'construction-noise-night' },
  { text: '楼下新开的烤鱼店排风管对着我们窗户，家里全是油味', expected: 'cooking-fumes' },
  { text: '路边工地的土堆没有盖网，风一吹全是沙', expected: 'dust-pollution' },
  { text: '有人在小区空地烧废品，烟呛得人受不了', expected: 'open-burning' },
  { text: '大风把一棵树连根拔起，倒在人行道上', expected: 'tree-fallen' },
  { text: '路边有棵树的树枝垂得很低，走路会撞到头', expected: 'branches-obstructing' },
  { text: '小区的草坪被人铲了改成停车位', expected: 'green-space-damaged' },
  { text: '公园的儿童乐园秋千链子断了', expected: 'park-facility-damaged' },
  { text: '公园里的健身路径器材好多都生锈坏了', expected: 'park-facility-damaged' },
  { text: '小区的消防车道被划成停车位了，天天停满车', expected: 'fire-lane-blocked' },
  { text: '楼道口停满了电动车，还有人拉电线充电', expected: 'fire-lane-blocked' },
  { text: '厨房里一股煤气味，阀门关了还是有', expected: 'gas-smell' },
  { text: '路面突然下沉了，出现一个大窟窿', expected: 'road-collapse' },
  { text: '老房子的阳台裂了好大一条缝，感觉随时会掉', expected: 'unsafe-building' },
  { text: '奶茶店用的过期原料', expected: 'food-safety' },
  { text: '早餐店的包子吃出头发', expected: 'food-safety' },
  { text: '小区里有人开了个没有执照的托管班', expected: 'unlicensed-business' },
  { text: '水果摊用的秤有问题，一斤只有八两', expected: 'price-gouging' },
  { text: '停车场收费比标的价格高', expected: 'price-gouging' },
  { text: 'The street lamp outside number 12 keeps flickering', expected: 'streetlight-out' },
  { text: 'Water coming out of the ground, looks like a leaking pipe', expected: 'water-main-burst' },
  { text: 'Pile of bin bags dumped next to the community centre', expected: 'garbage-piled' },
  { text: 'Loud construction work after midnight next to our building', expected: 'construction-noise-night' },
  { text: 'Someone is selling fruit from a cart on the footbridge', expected: 'street-vending' },
  { text: 'There is a smell of gas near the kindergarten', expected: 'gas-smell' },
  { text: '请帮我查询一下公积金', expected: null },
  { text: '我要投诉某某部门工作人员态度很差', expected: null },
  { text: '能不能开通一条新公交线路', expected: null },
  { text: '我想给市长提个建议', expected: null },
  { text: '好', expected: null },
  { text: '早上好', expected: null },

  // ── second held-out batch: written after the vocabulary was restructured into objects, problems and keywords ──
  { text: '东门菜场边上那个井盖让人给偷了，就拿了个纸箱盖着', expected: 'manhole-cover-missing' },
  { text: '马路中间少了个井盖，晚上骑车的很危险', expected: 'manhole-cover-missing' },
  { text: '井盖一边高一边低，汽车压过去就翘起来', expected: 'manhole-cover-damaged' },
  { text: '门口的井盖碎成好几块了', expected: 'manhole-cover-damaged' },
  { text: '滨江路那一排路灯晚上都是黑的', expected: 'streetlight-out' },
  { text: '小区外面的路灯一到晚上就一闪一闪，眼睛都花了', expected: 'streetlight-out' },
  { text: 'Streetlamp at the end of my road is broken', expected: 'streetlight-out' },
  { text: '路面被水泡烂了，全是坑', expected: 'road-damaged' },
  { text: '这路修了又坏坏了又修，现在又是一个个坑', expected: 'road-damaged' },
  { text: 'Road surface is breaking up, big holes near the roundabout', expected: 'road-damaged' },
  { text: '人行道的砖都翘起来了，我妈走路摔了一跤', expected: 'sidewalk-damaged' },
  { text: '人行道上有一块砖松了，下雨踩上去喷一腿泥水', expected: 'sidewalk-damaged' },
  { text: '桥边的铁栏杆锈断了一截', expected: 'guardrail-damaged' },
  { text: '马路中间的隔离栏倒了好几米，横在路上', expected: 'guardrail-damaged' },
  { text: '公交站等车的椅子断了，老人没地方坐', expected: 'bus-shelter-damaged' },
  { text: '候车亭顶上漏水，下雨天根本躲不了雨', expected: 'bus-shelter-damaged' },
  { text: '公共厕所的灯坏了好几天，晚上进去一片黑', expected: 'public-toilet-fault' },
  { text: '地铁站旁边的公厕没有纸也没有水', expected: 'public-toilet-fault' },
  { text: '一下暴雨立交桥底就淹了，公交车都过不去', expected: 'waterlogging' },
  { text: '小区里面积水到小腿了，一楼都进水了', expected: 'waterlogging' },
  { text: 'Road completely flooded after an hour of rain', expected: 'waterlogging' },
  { text: '人行道下面的自来水管好像漏了，地砖缝里一直渗水', expected: 'water-main-burst' },
  { text: '路口有根水管断了，水喷得老高', expected: 'water-main-burst' },
  { text: '下水道的脏水漫到路面上，臭气熏天', expected: 'sewage-overflow' },
  { text: '化粪池堵了，粪水从井盖往外冒', expected: 'sewage-overflow' },
  { text: '路边的雨水篦子全被泥沙堵死了', expected: 'drain-blocked' },
  { text: '排水沟被建筑垃圾堵住，水都流不出去', expected: 'drain-blocked' },
  { text: '整栋楼都没水了，也没有人通知', expected: 'water-outage' },
  { text: '停水三天了，什么时候能恢复供水', expected: 'water-outage' },
  { text: '河里的水变成了黑色，还漂着一层白沫', expected: 'river-polluted' },
  { text: '附近工厂晚上偷偷往河涌排废水', expected: 'river-polluted' },
  { text: '垃圾没人收，都堆在路边好几天了', expected: 'garbage-piled' },
  { text: '空地上被人扔了好多垃圾，老鼠乱窜', expected: 'garbage-piled' },
  { text: '小区门口的垃圾桶已经满了两天，垃圾掉得到处都是', expected: 'bin-overflowing' },
  { text: 'Litter bin by the bus stop has been full for days', expected: 'bin-overflowing' },
  { text: '街上的落叶堆了很厚，保洁好几天没来扫', expected: 'street-not-cleaned' },
  { text: '人行道上全是鸟屎和垃圾，一直没人清扫', expected: 'street-not-cleaned' },
  { text: '有货车晚上偷偷把装修垃圾倒在河边', expected: 'construction-waste-dumped' },
  { text: '路边被倒了一大堆渣土，占了半条路', expected: 'construction-waste-dumped' },
  { text: '路口有一只死狗，好几天了都臭了', expected: 'dead-animal' },
  { text: 'There is a dead fox in the middle of the cycle path', expected: 'dead-animal' },
  { text: '楼下的分类垃圾桶形同摆设，什么垃圾都往里扔', expected: 'waste-sorting-violation' },
  { text: '收垃圾的把厨余和其他垃圾混在一起拉走', expected: 'waste-sorting-violation' },
  { text: '有人天天把车停在盲道上', expected: 'illegal-parking' },
  { text: '一辆黑色轿车堵在小区大门口，半天不挪', expected: 'illegal-parking' },
  { text: 'Van parked across the dropped kerb every day, I cannot get my wheelchair out', expected: 'illegal-parking' },
  { text: '停车场角落那辆摩托车停了两年了，车身都锈了', expected: 'abandoned-vehicle' },
  { text: '路边有辆车好几个月没人开过，轮胎都没气了', expected: 'abandoned-vehicle' },
  { text: '公交站门口的共享单车停了一大片，乘客都下不了车', expected: 'shared-bikes-cluttered' },
  { text: '小区门口堆满了哈啰单车，进出很不方便', expected: 'shared-bikes-cluttered' },
  { text: '路口的信号灯灭了，交警也没来', expected: 'traffic-signal-fault' },
  { text: '这个路口红灯等三分钟，绿灯才十秒', expected: 'traffic-signal-fault' },
  { text: 'The pedestrian crossing lights are stuck on red', expected: 'traffic-signal-fault' },
  { text: '路口的路牌被大风刮歪了', expected: 'road-sign-damaged' },
  { text: '学校门口的减速慢行标志牌不见了', expected: 'road-sign-damaged' },
  { text: '路挖开了一大段，旁边连个提示都没有，晚上很危险', expected: 'road-works-unpermitted' },
  { text: '有人在小区门口的路上挖坑埋管子，占了一半车道', expected: 'road-works-unpermitted' },
  { text: '天桥底下全是卖菜的小摊，人都走不过去', expected: 'street-vending' },
  { text: '每天晚上都有人在路口摆摊卖水果，占了半条路', expected: 'street-vending' },
  { text: '火锅店把桌子板凳都摆到人行道上了', expected: 'shop-spillover' },
  { text: '建材店的货堆满了门口的人行道', expected: 'shop-spillover' },
  { text: '电梯里贴满了各种广告纸，撕了又贴', expected: 'illegal-flyposting' },
  { text: '每根电线杆上都被人贴了小广告', expected: 'illegal-flyposting' },
  { text: '商场外墙上的大广告牌被风吹得晃来晃去', expected: 'billboard-unsafe' },
  { text: '楼下理发店的招牌有一个角掉下来了，挂在半空', expected: 'billboard-unsafe' },
  { text: '顶楼住户在天台上搭了个铁皮房', expected: 'illegal-construction' },
  { text: '邻居把阳台往外扩建了一米多', expected: 'illegal-construction' },
  { text: '地下通道的墙上被人画得乱七八糟', expected: 'graffiti' },
  { text: '楼下KTV每天唱到凌晨，吵得人没法睡', expected: 'noise-nuisance' },
  { text: '隔壁装修天天电钻响个不停', expected: 'noise-nuisance' },
  { text: '夜里两点工地还有大车进出，噪音很大', expected: 'construction-noise-night' },
  { text: '旁边建筑工地晚上也开工，机器声吵得睡不着', expected: 'construction-noise-night' },
  { text: '楼下烤肉店的排烟管直接对着住户窗户', expected: 'cooking-fumes' },
  { text: '饭馆的油烟熏得我家衣服都不能晾', expected: 'cooking-fumes' },
  { text: '拆迁工地没有洒水，灰尘满天飞', expected: 'dust-pollution' },
  { text: '搅拌站附近全是灰，车子一天就脏了', expected: 'dust-pollution' },
  { text: '农田里有人在烧东西，烟飘得整个小区都是', expected: 'open-burning' },
  { text: '有人在河边焚烧垃圾', expected: 'open-burning' },
  { text: '昨晚刮大风，小区里好几棵树倒了', expected: 'tree-fallen' },
  { text: '路边一棵大树被风吹断了，树干横在路中间', expected: 'tree-fallen' },
  { text: '树枝把路灯全挡住了，晚上路上很暗', expected: 'branches-obstructing' },
  { text: '路边的树长得太茂盛，挡住了路口的视线', expected: 'branches-obstructing' },
  { text: '有人把小区绿化带里的树砍了', expected: 'green-space-damaged' },
  { text: '广场上的草坪被人踩出了一条路', expected: 'green-space-damaged' },
  { text: '公园里的秋千坏了，小孩差点摔下来', expected: 'park-facility-damaged' },
  { text: '公园的凉亭顶塌了一块', expected: 'park-facility-damaged' },
  { text: '消防通道上停满了私家车', expected: 'fire-lane-blocked' },
  { text: '商场后门的安全出口被货物堵住了', expected: 'fire-lane-blocked' },
  { text: '整个楼道都是煤气味，很呛', expected: 'gas-smell' },
  { text: '路边地下好像有燃气漏出来，闻到很大的味道', expected: 'gas-smell' },
  { text: '路面下陷了一大块，车都不敢过', expected: 'road-collapse' },
  { text: '昨晚下完雨，路边人行道塌下去一个洞', expected: 'road-collapse' },
  { text: '楼梯间的墙裂开了，能看到里面的钢筋', expected: 'unsafe-building' },
  { text: '隔壁的老房子已经歪了，随时可能倒', expected: 'unsafe-building' },
  { text: '学校门口小卖部卖的辣条没有生产日期', expected: 'food-safety' },
  { text: '这家店的猪肉颜色不对，闻着有臭味', expected: 'food-safety' },
  { text: '街角新开的美容院好像没有任何执照', expected: 'unlicensed-business' },
  { text: '楼下有人无证开了个小饭馆', expected: 'unlicensed-business' },
  { text: '出租车司机不打表，一口价要一百块', expected: 'price-gouging' },
  { text: '超市结账价格和货架上标的不一样', expected: 'price-gouging' },
  { text: '请问你们几点下班', expected: null },
  { text: '我要咨询一下落户政策', expected: null },
  { text: '上次反映的问题怎么还没处理', expected: null },
  { text: '城市越来越漂亮了，点赞', expected: null },
  { text: 'How do I apply for a parking permit?', expected: null },

  // ── third held-out batch: written after the second round of changes ──
  { text: '井盖丢了', expected: 'manhole-cover-missing' },
  { text: '人民路公交站对面，一个雨水井的盖子被人拿走了，小孩子很容易踩空', expected: 'manhole-cover-missing' },
  { text: '井盖中间裂了一道口子，再压几次就要塌了', expected: 'manhole-cover-damaged' },
  { text: '我们楼下的井盖每次有车开过都哐当哐当的响，大半夜的', expected: 'manhole-cover-damaged' },
  { text: '路灯坏了', expected: 'streetlight-out' },
  {
    text: '幸福路北段有三根路灯杆上的灯一直没亮过，已经一个月了，晚上下班走这条路很害怕，希望尽快修一下',
    expected: 'streetlight-out',
  },
  { text: '路燈不亮', expected: 'streetlight-out' },
  { text: '马路上好多坑，下雨天看不见，我骑电动车掉进去摔伤了', expected: 'road-damaged' },
  { text: '新铺的沥青路面已经开裂了', expected: 'road-damaged' },
  { text: '人行道地砖坏了一大片，走路容易扭脚', expected: 'sidewalk-damaged' },
  { text: '道路中间的防撞护栏被车撞断了，铁片伸到车道上', expected: 'guardrail-damaged' },
  { text: '公交站台的玻璃被砸了', expected: 'bus-shelter-damaged' },
  { text: '公园厕所的门都坏了关不上', expected: 'public-toilet-fault' },
  { text: '这个公厕太脏了，根本没人打扫', expected: 'public-toilet-fault' },
  { text: '水浸街啊，快来人', expected: 'waterlogging' },
  { text: '下雨后小区门口积了一大滩水，出门要蹚水', expected: 'waterlogging' },
  { text: '路边绿化带里的水管漏水，水流到马路上好几天了', expected: 'water-main-burst' },
  { text: '井里面往外冒污水，附近全是臭味', expected: 'sewage-overflow' },
  { text: '小区的下水道返臭水，一楼都进了粪水', expected: 'sewage-overflow' },
  { text: '路边的下水道口被落叶和泥堵满了', expected: 'drain-blocked' },
  { text: '家里突然停水了，邻居家也没水', expected: 'water-outage' },
  { text: '自来水一直很小，洗澡都洗不了', expected: 'water-outage' },
  { text: '河道里到处是塑料袋和泡沫，水也很臭', expected: 'river-polluted' },
  { text: '楼下堆了好几袋垃圾一直没人收', expected: 'garbage-piled' },
  { text: '小区的垃圾桶满得盖子都盖不上', expected: 'bin-overflowing' },
  { text: '这条路上全是泥土，估计是渣土车掉的，也没人扫', expected: 'street-not-cleaned' },
  { text: '有人把拆下来的旧瓷砖和水泥袋扔在楼后面', expected: 'construction-waste-dumped' },
  { text: '马路上有只被车撞死的猫', expected: 'dead-animal' },
  { text: '小区垃圾都不分类，干湿混在一起扔', expected: 'waste-sorting-violation' },
  { text: '一辆小车停在路口转弯的地方，大车都转不过去', expected: 'illegal-parking' },
  { text: '有人把车停在我家门口，出不去', expected: 'illegal-parking' },
  { text: '路边停着一辆破面包车，车窗都碎了，好几个月没人管', expected: 'abandoned-vehicle' },
  { text: '小区门口单车多得走不了路', expected: 'shared-bikes-cluttered' },
  { text: '红绿灯不亮，路口好多车抢着走', expected: 'traffic-signal-fault' },
  { text: '这个路口的信号灯时间设置不合理，经常堵车', expected: 'traffic-signal-fault' },
  { text: '路边的指示牌掉了一半，挂在那里晃', expected: 'road-sign-damaged' },
  { text: '施工队把人行道挖了又不围起来', expected: 'road-works-unpermitted' },
  { text: '学校附近有流动摊贩卖烤肠，影响交通', expected: 'street-vending' },
  { text: '奶茶店把排队的栏杆和桌子摆到了人行道中间', expected: 'shop-spillover' },
  { text: '小区每个单元门口都被贴了开锁的广告', expected: 'illegal-flyposting' },
  { text: '楼顶的招牌铁架生锈了，感觉会掉下来砸到人', expected: 'billboard-unsafe' },
  { text: '一楼的住户占用公共空地盖了一间房', expected: 'illegal-construction' },
  { text: '新装的电箱被人喷了乱七八糟的字', expected: 'graffiti' },
  { text: '晚上十点后还有人在广场上放音乐跳舞', expected: 'noise-nuisance' },
  { text: '凌晨还有工人在施工，电锯声很刺耳', expected: 'construction-noise-night' },
  { text: '隔壁餐厅的油烟味太重了', expected: 'cooking-fumes' },
  { text: '路边工地尘土漫天，走路都要捂着嘴', expected: 'dust-pollution' },
  { text: '有人在路边烧纸，烟很大', expected: 'open-burning' },
  { text: '有條樹冧咗喺路中間', expected: 'tree-fallen' },
  { text: '台风过后路边的大树歪倒在电线上', expected: 'tree-fallen' },
  { text: '树枝垂下来挡住了交通标志', expected: 'branches-obstructing' },
  { text: '小区的绿地被物业改成了停车场', expected: 'green-space-damaged' },
  { text: '公园的健身器材有个螺丝松了，晃得很厉害', expected: 'park-facility-damaged' },
  { text: '商场的消防通道被改成了仓库', expected: 'fire-lane-blocked' },
  { text: '闻到一股很浓的液化气味道', expected: 'gas-smell' },
  { text: '路中间突然陷了一个大坑，车轮都陷进去了', expected: 'road-collapse' },
  { text: '我们住的楼墙上出现了很多裂缝，越来越大', expected: 'unsafe-building' },
  { text: '饭店的菜里吃出了一只苍蝇', expected: 'food-safety' },
  { text: '小区里有家没有牌照的黑网吧，天天有小孩进去', expected: 'unlicensed-business' },
  { text: '菜市场的秤不准，每次都少称', expected: 'price-gouging' },
  { text: 'Streetlight outside my house keeps going off', expected: 'streetlight-out' },
  { text: 'There are three dead pigeons in the park', expected: 'dead-animal' },
  { text: 'Bins have not been emptied for a week and are overflowing', expected: 'bin-overflowing' },
  { text: 'Tree branches hanging over the footpath, you have to duck', expected: 'branches-obstructing' },
  { text: 'Gas smell near the school gate', expected: 'gas-smell' },
  { text: '家里的台灯坏了', expected: null },
  { text: '我的手机屏幕碎了', expected: null },
  { text: '社区医院排队太久了', expected: null },
  { text: '我想问一下公租房怎么申请', expected: null },
  { text: '路上注意安全', expected: null },
  { text: '你们的app太难用了', expected: null },
  { text: '好的', expected: null },
];
