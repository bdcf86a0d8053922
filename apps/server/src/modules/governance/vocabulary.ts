/**
 * The municipal vocabulary the category suggester reads citizens' descriptions with: words the
 * Chinese segmenter must keep whole, and per report category what citizens actually write about
 * it — official terms, colloquial ones (井盖没了, 黑灯瞎火, 水浸街), English, and the misspellings
 * phone pinyin input makes (拉圾, 燥音, 阴井盖, 红路灯). It is matching data, never shown to
 * anyone: category names come from the database and the suggester adds them as keywords.
 *
 * Lists are written as `a|b|c` to keep 48 categories readable; a term with no Han character is
 * English and matches whole words (plurals folded), any other matches on word boundaries.
 */

const terms = (list: string): readonly string[] =>
  list
    .split('|')
    .map((t) => t.trim())
    .filter((t) => t !== '');

/**
 * Words jieba must keep whole. Its general dictionary lacks some (违停, 冒水) and prefers wrong
 * splits for others (路 | 灯不亮 instead of 路灯 | 不亮). Only single concepts belong here, never
 * whole complaints: 路灯不亮 must segment as 路灯 | 不亮 so that each half is evidence of its own.
 */
export const MUNICIPAL_WORDS: readonly string[] = terms(
  // municipal facilities
  '井盖|窨井盖|窨井|阴井盖|下水道|下水口|路灯|街灯|灯杆|路灯杆|不亮|黑灯|坑洼|坑坑洼洼|路面|人行道|盲道|地砖|护栏|防护栏|' +
    '隔离栏|栏杆|候车亭|公交站台|公交站|站牌|公厕|' +
    // water and drainage
    '积水|内涝|水浸|水淹|爆管|冒水|跑水|反水|返水|外溢|化粪池|污水井|雨水口|雨水篦子|篦子|排水口|排水沟|停水|没水|水压|' +
    '河涌|黑臭|偷排|' +
    // sanitation
    '垃圾堆放|垃圾桶|垃圾箱|果皮箱|拉圾|满溢|保洁|保洁员|环卫|建筑垃圾|装修垃圾|渣土|渣土车|泥头车|偷倒|乱倒|垃圾分类|' +
    '厨余垃圾|可回收物|混装|' +
    // traffic order
    '违章停车|违停|乱停车|乱停|挪车|僵尸车|共享单车|单车|电单车|红绿灯|红路灯|信号灯|行人灯|交通标志|标志牌|指示牌|路牌|' +
    '斑马线|反光镜|占道施工|围挡|' +
    // city appearance
    '占道经营|摆摊|地摊|摊贩|小摊贩|走鬼|店外经营|出店经营|小广告|牛皮癣|广告牌|招牌|违法建设|违建|违章建筑|违章搭建|' +
    '私搭乱建|铁皮房|乱涂乱画|涂鸦|' +
    // environment
    '噪音扰民|噪音|燥音|扰民|广场舞|装修噪音|夜间施工|通宵施工|打桩|油烟|扬尘|露天焚烧|秸秆|' +
    // greenery
    '树木倒伏|树枝|绿化带|草坪|花坛|健身器材|滑梯|秋千|' +
    // public safety
    '消防通道|消防车道|安全出口|煤气味|燃气|天然气|液化气|塌陷|地陷|危房|承重墙|外墙|' +
    // market order
    '食品安全|地沟油|无证经营|无照经营|营业执照|黑诊所|小作坊|乱收费|宰客|缺斤少两|短斤少两|明码标价',
);

/**
 * What citizens write about one category. An object and a problem found in the same sentence
 * (井盖 … 被人撬走了) weigh as much as a whole keyword; an object alone is only a hint.
 */
export interface CategoryVocabulary {
  /** What the problem is about: 井盖, 下水道盖子, manhole cover. Alone, a hint. */
  objects: readonly string[];
  /** What is wrong with an object: 不见, 被偷, missing. Never evidence without an object. */
  problems: readonly string[];
  /** Phrases that name the problem by themselves: 违停, 内涝, 黑灯瞎火, pothole. */
  keywords: readonly string[];
}

const category = (objects: string, problems: string, keywords: string): CategoryVocabulary => ({
  objects: terms(objects),
  problems: terms(problems),
  keywords: terms(keywords),
});

const MANHOLE =
  '井盖|窨井盖|阴井盖|下水道盖|下水道盖子|下水道的盖子|井的盖子|下水井盖|雨水井盖|污水井盖|井盖板|manhole|manhole cover|drain cover|sewer cover';

/**
 * The vocabulary per category code (the 48 categories of demo/categories.ts). A category a city
 * adds without an entry here is still suggested, from its names alone.
 */
export const CATEGORY_VOCABULARY: Readonly<Record<string, CategoryVocabulary>> = {
  // ── municipal facilities ──
  'manhole-cover-missing': category(
    `${MANHOLE}|井口`,
    '缺失|丢失|丢|丢了|少了|少了个|没了|没有了|不见|不见了|被偷|被盗|偷走|偷了|撬走|被撬|拿走|被人拿|敞开|敞着|裸露|窟窿|黑窟窿|洞口|' +
      'missing|stolen|gone|uncovered|removed|open',
    '没有井盖|没井盖|敞口井|井口没盖|missing manhole cover|open manhole|uncovered manhole',
  ),
  'manhole-cover-damaged': category(
    MANHOLE,
    '破损|损坏|坏|坏了|破|破了|裂|裂了|裂开|裂缝|碎|碎了|松动|松了|翘|翘起|下沉|沉下去|凹陷|移位|响|异响|咣当|哐当|哐哐|' +
      '晃|晃动|不平|高低不平|断|断了|变形|' +
      'broken|damaged|cracked|loose|rattle|rattles|rattling|sunken|wobbly|一边高一边低|压过去就翘',
    '井盖响|哐哐响|咣当响|rattling manhole cover',
  ),
  'streetlight-out': category(
    '路灯|街灯|灯杆|路灯杆|照明灯|庭院灯|高杆灯|灯|一盏灯|盏灯|streetlight|street light|street lamp|lamp post|lamppost|lamp|light|streetlamp|street lamp',
    '不亮|没亮|没有亮|坏|坏了|灭|灭了|熄灭|不工作|故障|闪|一闪一闪|忽明忽暗|时亮时不亮|白天亮|白天一直亮|黑|黑漆漆|漆黑|' +
      'out|not working|broken|flickering|flicker|off|dark',
    '黑灯瞎火|伸手不见五指|没有路灯|没路灯|一片漆黑|streetlight out|street light out|lights out',
  ),
  'road-damaged': category(
    '路面|马路|马路上|路上|道路|路|柏油路|水泥路|沥青|车道|road|road surface|asphalt|tarmac',
    '坑|有坑|大坑|坑洼|坑坑洼洼|破损|破|破了|坏|坏了|裂|裂开|裂缝|开裂|起皮|车辙|凹凸不平|不平|颠|烂|' +
      'pothole|crack|cracked|broken|damaged|uneven|bumpy|rut|crumbling|一个个坑|修了又坏',
    '坑洼|坑坑洼洼|坑槽|路面破损|道路破损|有个坑|有个大坑|pothole',
  ),
  'sidewalk-damaged': category(
    '人行道|人行道砖|地砖|砖|砖头|盲道|步道|人行道板|路沿石|路缘石|道牙|sidewalk|pavement|footpath|paving|tile|paving slab|kerb|curb',
    '破损|坏|坏了|破|破了|碎|碎了|松|松动|松了|翘|翘起|翘起来|缺|缺了|掉|掉了|不平|坑洼|坑坑洼洼|溅|被破坏|' +
      'broken|cracked|loose|missing|uneven|damaged',
    '溅一身泥水|踩上去溅水|一踩就溅|人行道破损|盲道破损',
  ),
  'guardrail-damaged': category(
    '护栏|防护栏|隔离栏|隔离栏杆|隔离护栏|栏杆|防撞栏|防撞护栏|隔离墩|guardrail|guard rail|railing|crash barrier|barrier',
    '坏|坏了|损坏|断|断了|倒|倒了|歪|歪了|撞|撞倒|撞坏|撞弯|弯|弯了|变形|松|缺|缺失|掉|' +
      'broken|bent|damaged|knocked down|missing|loose|锈断',
    '护栏损坏',
  ),
  'bus-shelter-damaged': category(
    '候车亭|公交候车亭|公交站台|公交站亭|站台|公交站|公交车站|站牌|公交站牌|顶棚|等车的棚子|bus shelter|bus stop|shelter',
    '坏|坏了|损坏|碎|碎了|玻璃碎|破|破了|塌|塌了|漏雨|漏水|歪|歪了|撞歪|倒|断|掉|' +
      'broken|smashed|damaged|leaking|cracked|knocked over',
    '候车亭玻璃|bus shelter glass',
  ),
  'public-toilet-fault': category(
    '公厕|公共厕所|公共卫生间|厕所|卫生间|洗手间|马桶|蹲坑|蹲位|便池|public toilet|toilet|restroom|washroom|lavatory',
    '坏|坏了|堵|堵了|冲不了|冲不了水|不能冲|没水|没有水|没灯|没有灯|灯不亮|锁|锁着|不开门|关门|脏|臭|漏水|一直流水|流水|故障|' +
      'blocked|broken|out of order|closed|locked|dirty|smelly|leaking',
    '公厕设施故障|公厕|public toilet',
  ),

  // ── water and drainage ──
  waterlogging: category(
    '隧道|涵洞|下穿|地下通道|地下车库|underpass|tunnel|立交桥|桥底|桥洞',
    '积水|被淹|淹|淹了|水浸|进水|泡在水里|flooded|flooding|淹到|到小腿|到膝盖',
    '积水|内涝|水浸|水淹|被淹|淹水|浸水|水浸街|一下雨就淹|下雨就淹|汪洋|汪洋大海|看海|水漫金山|没过膝盖|泡在水里|' +
      'waterlogging|waterlogged|flooding|flooded|flood|standing water|water on the road',
  ),
  'water-main-burst': category(
    '水管|自来水管|供水管|供水管道|管道|管子|水表|消防栓|消火栓|water main|pipe|water pipe|hydrant|fire hydrant',
    '爆|爆了|爆裂|破|破了|破裂|裂|裂了|漏|漏了|漏水|喷|喷水|冒水|往外冒|往外喷|跑水|断裂|' +
      'burst|broken|leaking|leak|gushing|spraying',
    '爆管|冒水|地面冒水|往外冒水|跑水|水哗哗|burst pipe|burst water main|water main burst|water gushing',
  ),
  'sewage-overflow': category(
    '污水|污水井|污水管|化粪池|下水道|粪水|粪便|脏水|黑水|sewage|sewer|septic tank|drain',
    '外溢|溢出|溢|往外溢|冒|冒出来|往上翻|翻|反水|返水|倒灌|横流|流到|渗|往外渗|' +
      'overflowing|overflow|backing up|coming up|leaking',
    '污水外溢|污水横流|反水|返水|粪水|屎尿|化粪池满|raw sewage|sewage overflow',
  ),
  'drain-blocked': category(
    '雨水口|雨水篦子|雨水篦|篦子|排水口|下水口|排水沟|水沟|下水道|雨水井|排水管|沟渠|storm drain|drain|gully|gutter|drainage',
    '堵|堵了|堵塞|堵住|堵住了|堵死|塞|塞满|塞满了|不通|排不下去|排不出去|流不走|流不下去|封住|封了|' +
      'blocked|clogged|choked|sealed',
    '排水不畅|排不下去|blocked drain|clogged drain',
  ),
  'water-outage': category(
    '自来水|水龙头|供水|水压|tap|water supply|water pressure',
    '停|停了|没有|没了|中断|太小|很小|低|上不去|不出|cut|off|low|dry',
    '停水|没水|没有水|断水|没来水|不来水|不出水|水停了|没有自来水|没自来水|供水中断|水压小|水压低|水压太小|水上不去|' +
      '没有水用|没水用|no water|water outage|water cut|no running water|low water pressure',
  ),
  'river-polluted': category(
    '河|河涌|河道|河水|河面|河里|河流|小河|湖|湖水|池塘|水塘|水体|canal|river|creek|lake|pond|stream',
    '污染|黑|发黑|臭|发臭|黑臭|又黑又臭|发绿|泡沫|一层油|漂浮|漂着|死鱼|排污|偷排|倒|废液|废水|排|' +
      'polluted|pollution|black|stink|stinks|smell|dead fish|foam|oil|dumping|discharge',
    '黑臭水体|偷排|死鱼|往河里排|排污|河涌污染|polluted river|dead fish',
  ),

  // ── sanitation ──
  'garbage-piled': category(
    '垃圾|垃圾堆|生活垃圾|拉圾|垃极|杂物|旧家具|沙发|大件垃圾|垃圾袋|rubbish|garbage|trash|litter|junk|bin bag',
    '堆|堆放|堆积|成堆|一堆|堆满|堆满了|堆成山|堆到|乱扔|乱丢|扔|扔了|没人清理|没人清|没人收|没人管|没拉走|' +
      'piled|pile|dumped|uncollected|not collected|nobody collects',
    '垃圾堆放|垃圾成堆|垃圾山|垃圾堆|堆成山|乱扔垃圾|乱丢垃圾|fly-tipping',
  ),
  'bin-overflowing': category(
    '垃圾桶|垃圾箱|果皮箱|分类垃圾桶|bin|dustbin|trash can|garbage can|litter bin|wheelie bin',
    '满|满了|满溢|溢出|满出来|爆满|装满|装满了|塞满|塞得满满|满满|没人倒|没人来倒|没人清|太少|不够|' +
      'full|overflowing|overflow|not emptied',
    '满出来|垃圾桶满溢|overflowing bin',
  ),
  'street-not-cleaned': category(
    '落叶|烟头|纸屑|泥巴|烂菜叶|菜叶|保洁员|环卫工人|环卫工|清洁工|street sweeper|leaves|鸟屎|树叶',
    '没人扫|没扫|不扫|没有|不来|满地|到处是|全是|脏|not swept|everywhere',
    '没人扫|没人打扫|没有人扫|不来扫|不来清扫|清扫不及时|保洁不到位|满地落叶|满地烟头|满地纸屑|狗屎|狗粪|宠物粪便|' +
      '脏得很|很脏|太脏|脏乱差|street not cleaned|dirty street|not swept|filthy street|dog poop|dog mess|没人清扫|不清扫|没有清扫|鸟屎',
  ),
  'construction-waste-dumped': category(
    '建筑垃圾|装修垃圾|装修的垃圾|旧瓷砖|水泥袋|拆下来的|渣土|余泥|砖头|碎砖|水泥块|废料|建筑废料|泥头车|土方|' +
      'rubble|building rubble|construction waste|construction debris|debris|renovation waste',
    '乱倒|偷倒|倒|倾倒|乱扔|扔|堆|堆放|乱堆|dumped|dumping|tipped',
    '偷倒|乱倒建筑垃圾|偷倒渣土|illegal dumping',
  ),
  'dead-animal': category(
    '猫|狗|老鼠|鸟|鸽子|蛇|鸭子|流浪猫|流浪狗|动物|cat|dog|rat|bird|pigeon|fox|animal',
    '死|死了|死掉|死的|死掉的|尸体|腐烂|压死|dead|rotting|died',
    '动物尸体|死猫|死狗|死老鼠|死鸟|死鸽子|有只死|有一只死|有一条死|roadkill|dead animal|carcass',
  ),
  'waste-sorting-violation': category(
    '垃圾分类|分类|厨余垃圾|其他垃圾|可回收物|可回收|有害垃圾|分好的垃圾|分好类|recycling|food waste|recycling bin',
    '混|混在一起|倒在一起|混装|混投|混收|乱投|乱投放|不分|不分类|没分|没有分类|丢进|扔进|倒进|放错|形同虚设|' +
      'mixed|not sorted|unsorted|putting|wrong bin|形同摆设|什么垃圾都',
    '垃圾分类不规范|不分类|混装|混投|混收|unsorted waste',
  ),

  // ── traffic order ──
  'illegal-parking': category(
    '车|汽车|小车|私家车|货车|面包车|车辆|轿车|car|vehicle|van|truck|lorry',
    '乱停|停在|停到|堵住|挡住|堵死|堵门|占|占用|占道|不挪|不走|parked|parking|blocking|blocked',
    '违章停车|违停|违张停车|违规停车|违法停车|乱停车|挪车|双排停车|停在人行道|停在斑马线|' +
      'illegal parking|illegally parked|parked on the pavement|parked on the sidewalk|double parked|blocking my driveway',
  ),
  'abandoned-vehicle': category(
    '车|辆车|汽车|面包车|小车|轿车|摩托车|电动车|破车|车辆|轮胎|car|vehicle|van',
    '停了很久|很久|好几个月|几个月|一年多|大半年|半年|没动过|没人开|一直停着|一层灰|积灰|落满灰|瘪|没气|没有车牌|无牌|' +
      '报废|废弃|烧毁|生锈|锈|两年|扔在|month|months|flat tyre|flat tire|no plates|rusting|burnt out',
    '僵尸车|废弃车辆|报废车|无牌车|abandoned car|abandoned vehicle|derelict car',
  ),
  'shared-bikes-cluttered': category(
    '共享单车|单车|自行车|电单车|共享电单车|共享电动车|美团|哈啰|哈罗|青桔|摩拜|小黄车|' +
      'shared bike|dockless bike|bike|bicycle|e-bike|rental bike|scooter',
    '乱停|乱放|乱停乱放|乱七八糟|堆|堆得|堆在|倒了一地|倒一地|占|占了|堵|挡|满|全是|到处是|' +
      'dumped|cluttered|blocking|everywhere|piled|多得|走不了路|一大片|停了一大片|一大堆|堆满',
    '共享单车乱停放|单车乱停',
  ),
  'traffic-signal-fault': category(
    '红绿灯|红路灯|信号灯|交通灯|交通信号灯|行人灯|人行灯|人行横道灯|过街灯|黄灯|红灯|绿灯|' +
      'traffic light|traffic signal|signal|pedestrian light|pedestrian signal|crossing light',
    '坏|坏了|不亮|故障|不工作|灭|一直闪|闪|一直是红灯|一直红|不变|不变绿|时间太短|时间太长|太短|太长|' +
      'out|broken|not working|stuck|flashing|too short|不合理|设置不合理',
    '红绿灯坏|红绿灯不亮|信号灯故障|stuck on red',
  ),
  'road-sign-damaged': category(
    '交通标志|标志|标志牌|指示牌|指路牌|路牌|路标|牌子|限速牌|标识|标识牌|禁停牌|标线|车道线|斑马线|导向箭头|箭头|反光镜|凸面镜|' +
      '广角镜|减速带|road sign|sign|street sign|traffic sign|stop sign|road marking|zebra crossing|lane marking|mirror',
    '坏|坏了|倒|倒了|撞倒|被撞|歪|歪了|掉|快掉|碎|碎了|看不清|磨没了|模糊|褪色|缺失|' +
      'knocked over|knocked down|damaged|faded|missing|bent|broken|不见|不见了',
    '交通标志损坏',
  ),
  'road-works-unpermitted': category(
    '施工|道路施工|施工队|工程队|围挡|沟|电缆|马路|路面|道路|路|road works|roadworks|works|excavation|trench',
    '挖|挖开|挖了|被挖|开挖|乱挖|挖沟|没有围挡|没有警示|没有任何警示|没警示|没有许可|没有审批|没审批|没有公告|没看到施工公告|' +
      '不填|不填回去|不恢复|占道|占了半条路|dug up|digging|no permit|without permit|without any warning|no warning|挖坑|埋管子|埋电缆|连个提示都没有|没有提示',
    '占道施工|拉链路|反复开挖|挖路|road dug up',
  ),

  // ── city appearance ──
  'street-vending': category(
    '摊|摊子|摊位|地摊|小摊|摊贩|小贩|商贩|小推车|推车|小车|三轮车|路边摊|stall|hawker|vendor|cart|food cart|street vendor',
    '摆|摆摊|摆卖|卖|叫卖|乱摆|selling|blocking',
    '占道经营|摆摊|摆地摊|流动摊贩|小摊贩|走鬼|乱摆卖|路边摊|street vending|street hawker|hawker',
  ),
  'shop-spillover': category(
    '店|店铺|商铺|门店|商店|饭店|餐厅|餐馆|水果店|五金店|修车店|洗车店|货|货物|商品|货架|桌子|桌椅|' +
      'shop|store|restaurant|goods|tables|板凳|凳子|火锅店|建材店|理发店',
    '门外|店外|店外面|店门外|店门外面|店门口|外摆|占用人行道|占道|摆到|堆到|outside|on the sidewalk|on the pavement|堆满|摆满',
    '店外经营|出店经营|超门店经营|越门经营|外摆|goods outside the shop',
  ),
  'illegal-flyposting': category(
    '小广告|广告|牛皮癣|传单|卡片|卡片广告|海报|贴纸|poster|flyer|sticker|leaflet|advert',
    '贴|贴满|贴了|乱贴|张贴|乱张贴|塞|塞进|喷|喷涂|到处是|stuck|posted|plastered|everywhere',
    '小广告|牛皮癣|乱张贴|办证小广告|fly-posting|flyposting',
  ),
  'billboard-unsafe': category(
    '广告牌|户外广告|招牌|店招|门头|灯箱|广告架|广告招牌|霓虹灯|billboard|shop sign|signboard|hoarding',
    '松|松了|松动|晃|摇晃|倾斜|歪|脱落|掉|掉下来|要掉|快掉|快掉下来|生锈|锈|断|不牢|' +
      'loose|falling|about to fall|leaning|rusty|swaying',
    '户外广告牌安全隐患|unsafe billboard',
  ),
  'illegal-construction': category(
    '违建|房子|房|一间房|铁皮房|棚子|彩钢房|彩钢瓦|楼顶|屋顶|天台|院子|车库|空地|extension|shed|structure|rooftop|roof|阳台',
    '搭|搭建|扩建|私自扩建|加建|加盖|盖了|盖|又盖|扩|圈|圈起来|圈占|改成|没有手续|没有审批|没有许可|' +
      'building|built|extending|without permission|illegal',
    '违法建设|违建|违章建筑|违章搭建|私搭乱建|乱搭乱建|违章建设|私自扩建|illegal construction|illegal extension|扩建|加建|加盖',
  ),
  graffiti: category(
    '墙|墙上|墙面|桥墩|电箱|柱子|wall|walls',
    '乱涂|乱画|乱写|写满|写满了字|喷漆|喷|画|涂|刻|写字|spray|sprayed|painted|scribbled',
    '乱涂乱画|涂鸦|乱写乱画|graffiti|spray painted',
  ),

  // ── environment ──
  'noise-nuisance': category(
    '音响|音乐|广场舞|喇叭|高音喇叭|酒吧|ktv|麻将|打麻将|狗|装修|电钻|邻居|声音|跳舞|' +
      'music|speaker|loudspeaker|bar|karaoke|dog|neighbour|neighbor|drilling|renovation',
    '吵|太吵|很吵|吵死|吵得|噪音|噪声|声音很大|声音太大|很大|大声|太大声|很响|扰民|睡不着|影响休息|叫个不停|不停|' +
      'noisy|loud|too loud|noise|barking',
    '噪音扰民|噪音|噪声|燥音|嘈音|扰民|太吵|吵死了|广场舞|装修噪音|noise|noisy|loud music',
  ),
  'construction-noise-night': category(
    '工地|施工|打桩|打桩机|挖掘机|搅拌车|搅拌机|机器|construction|construction site|building site|jackhammer|excavator|' +
      'construction work|建筑工地|机器声',
    '晚上|夜里|夜间|半夜|深夜|凌晨|通宵|十一点|十二点|还在|敲敲打打|轰隆隆|噪音|吵|扰民|' +
      'at night|night|midnight|overnight|all night|through the night|after midnight|开工|睡不着',
    '夜间施工|夜里施工|晚上施工|半夜施工|凌晨施工|深夜施工|通宵施工|施工扰民|施工噪音|工地噪音|夜间施工噪音|' +
      'construction noise|night construction',
  ),
  'cooking-fumes': category(
    '餐馆|饭店|餐厅|烧烤店|烤鱼店|烧烤|排风管|排风口|排烟管|烟道|油烟机|restaurant|kitchen exhaust|exhaust|vent|barbecue',
    '油烟|油味|烟|烟太大|熏|熏得|呛|呛人|排到|对着|直排|fumes|smoke|smoky|grease',
    '油烟扰民|油烟|油烟味|cooking fumes',
  ),
  'dust-pollution': category(
    '工地|渣土车|土堆|裸土|土方|沙土|黄土|搅拌站|construction site|building works|soil',
    '灰|灰尘|灰大|扬尘|尘土|尘土飞扬|粉尘|没盖|没有盖|没有盖网|未覆盖|不盖|洒土|撒漏|遗撒|漏土|全是沙|风一吹|不洒水|' +
      'dust|dusty|uncovered|spilling|covered in',
    '扬尘|扬尘污染|尘土飞扬|粉尘|灰尘|到处是灰|漫天灰|dust|dusty',
  ),
  'open-burning': category(
    '秸秆|垃圾|树叶|落叶|废品|轮胎|电线|straw|rubbish|leaves|tyres|waste|东西',
    '烧|焚烧|点火|着火|冒烟|黑烟|浓烟|烟很大|烟|呛|burning|burn|smoke|fire',
    '露天焚烧|焚烧|烧秸秆|烧垃圾|烧树叶|烧废品|烧纸|黑烟|open burning|bonfire',
  ),

  // ── trees and green space ──
  'tree-fallen': category(
    '树|大树|一棵树|树木|树干|树根|断枝|tree|trunk',
    '倒|倒了|倒伏|倒在|刮倒|吹倒|连根拔起|拔起|歪|歪了|倾斜|快要倒|要倒|断|断了|折断|砸|压住|压到|' +
      'fell|fallen|down|uprooted|leaning|collapsed',
    '树木倒伏|树倒|倒树|连根拔起|fallen tree|tree down|tree fell',
  ),
  'branches-obstructing': category(
    '树枝|树杈|枝叶|枝条|树|树冠|branch|tree',
    '挡|挡住|遮挡|遮住|挡住视线|伸到|伸进|伸出|太长|太低|垂|垂得很低|太密|长得太密|刮到|撞到|碰到|需要修剪|修剪|' +
      'blocking|overhanging|obstructing|overgrown|trimming|hanging low|茂盛|太茂盛|视线',
    '树枝遮挡|overhanging branch',
  ),
  'green-space-damaged': category(
    '绿地|绿化带|绿化|草坪|草地|花坛|花草|花|苗木|树苗|灌木|lawn|grass|flower bed|flowers|green space|green belt|verge',
    '踩|被踩|践踏|压坏|毁|被毁|破坏|挖|被挖|偷挖|铲|铲了|种菜|改成|占用|砍|偷|被偷|' +
      'trampled|trampling|destroyed|dug up|damaged|cut down',
    '绿地损毁|毁绿|毁绿种菜|践踏草坪',
  ),
  'park-facility-damaged': category(
    '公园|公园设施|健身器材|器材|健身路径|运动器材|游乐设施|儿童乐园|滑梯|秋千|长椅|凉亭|扶手|篮球架|乒乓球台|跷跷板|' +
      'playground|swing|slide|bench|park bench|fitness equipment|exercise equipment|gazebo',
    '坏|坏了|损坏|断|断了|裂|裂开|生锈|锈|松|脱落|掉|缺|刮伤|broken|damaged|rusty|loose|missing|cracked',
    '公园设施损坏',
  ),

  // ── public safety ──
  'fire-lane-blocked': category(
    '消防通道|消防车道|生命通道|安全出口|疏散通道|逃生通道|消防门|楼道|楼道口|楼梯间|' +
      'fire lane|fire exit|emergency exit|fire escape|fire door|stairwell',
    '堵|堵塞|堵了|占|占了|占用|被占|停满|停满了|停|堆|堆满|堆满了|堆放|锁|锁住|被锁|划成停车位|充电|拉电线|飞线|' +
      'blocked|parked|locked|obstructed|cluttered|charging',
    '消防通道堵塞|消防通道|消防车道|生命通道|飞线充电|楼道充电|堵塞消防通道|占用消防通道|楼道里堆|楼道堆放|楼道堆满|parked in the fire lane|fire lane blocked|blocking the fire lane',
  ),
  'gas-smell': category(
    '燃气|煤气|天然气|液化气|煤气罐|燃气管|燃气管道|燃气表|gas|gas pipe|natural gas|gas meter',
    '味|味道|气味|闻到|漏|漏气|泄漏|泄露|嘶嘶|嘶嘶响|臭鸡蛋|破|smell|smells|leak|leaking|hissing',
    '燃气泄漏|煤气泄漏|天然气泄漏|煤气味|燃气味|天然气味|漏气|然气|gas leak|smell of gas',
  ),
  'road-collapse': category(
    '路面|地面|马路|路|道路|road|ground|人行道',
    '塌陷|塌|塌了|陷|陷下去|下陷|下沉|沉降|空洞|大洞|窟窿|大窟窿|天坑|坍塌|下面是空的|' +
      'collapse|collapsed|sinkhole|caved in|sinking|subsidence|洞|塌下去',
    '路面塌陷|地陷|天坑|塌方|陷下去|塌了一块|下面是空的|sinkhole|cave-in',
  ),
  'unsafe-building': category(
    '房子|房屋|楼|老楼|楼房|旧楼|老房子|墙|墙体|外墙|瓷砖|外墙瓷砖|阳台|楼板|天花板|承重墙|building|wall|balcony|facade|tiles',
    '裂|裂缝|开裂|裂了|一条缝|倾斜|歪|脱落|掉|往下掉|掉下来|砸到人|砸|塌|要倒|会倒|' +
      'cracks|cracked|leaning|falling|collapsing|removed|crumbling',
    '房屋安全隐患|危房|承重墙|拆了承重墙|高空坠物|unsafe building',
  ),

  // ── market order ──
  'food-safety': category(
    '食品|食物|饭菜|包子|牛奶|外卖|奶茶|原料|后厨|厨房|餐馆|饭店|早餐店|food|meal|milk|takeaway|restaurant|kitchen|猪肉|肉|零食|辣条|小卖部',
    '过期|变质|发霉|馊|吃出|吃坏|拉肚子|呕吐|中毒|不卫生|虫子|头发|异物|苍蝇|蟑螂|老鼠|' +
      'expired|mouldy|moldy|spoiled|rotten|food poisoning|sick|cockroach|cockroaches|filthy|臭味|颜色不对|没有生产日期|三无',
    '食品安全|食物中毒|地沟油|三无食品|拉肚子|过期食品|food poisoning|food safety',
  ),
  'unlicensed-business': category(
    '执照|营业执照|牌照|许可证|网吧|资质|诊所|作坊|托管班|培训班|licence|license|clinic',
    '没有|没|无|没挂|无证|无照|黑|非法|without|no|unlicensed',
    '无证经营|无照经营|黑诊所|黑作坊|小作坊|非法经营|非法行医|没有营业执照|没有执照|unlicensed|without a business licence|无证|无照',
  ),
  'price-gouging': category(
    '价格|价钱|标价|收费|秤|一斤|price|prices|charge|bill|scale',
    '高|太高|虚高|比标的|不符|多收|不准|少称|宰|坑|欺诈|只有八两|八两|有问题|乱涨|overcharged|overcharging|ripped off|too high|wrong|不一样|标的不一样',
    '价格欺诈|宰客|乱收费|漫天要价|缺斤少两|短斤少两|缺斤短两|天价|没有标价|不明码标价|price gouging|overcharged|ripped off|rip-off|不打表|一口价|绕路',
  ),
};

/**
 * Words that carry no evidence on their own (particles, pronouns, politeness, single characters
 * of a hundred meanings). They still take part in whole keywords and in problems (井盖没了).
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  terms(
    '的|了|着|过|得|地|是|在|有|和|与|及|或|也|都|就|还|又|很|太|好|吧|呢|吗|啊|呀|哦|嗯|么|个|一|一个|一些|这|那|这个|那个|' +
      '这里|那里|我|我们|我家|你|你们|您|他|她|它|他们|被|把|给|让|到|上|下|里|中|人|请|麻烦|谢谢|你好|您好|没|不|没有|' +
      '不是|要|会|能|可以|已经|现在|什么|怎么|为什么|都是|一直|经常|好几天|往|外|全|久|开|放|用|来|去|说|看|想|再|才|等|' +
      "a|an|the|is|are|was|were|be|been|it|it's|its|of|in|on|at|to|for|from|by|with|and|or|there|there's|this|that|" +
      "my|our|we|i|you|please|thanks|thank|hello|hi|up|out|off|all|has|have|not|no|isn't|hasn't|doesn't|don't|can't|won't|without|any|some|again|every|very|just|keep|get|got|one",
  ),
);

/**
 * Words that deny what follows them in the same clause (不是井盖的问题，是路灯 → not 井盖). 没有 and
 * "no" are deliberately absent: 没有井盖 and "no water" describe the problem, they do not deny it.
 */
export const NEGATION_CUES: ReadonlySet<string> = new Set(terms("不是|并非|并不是|而不是|不属于|isn't|wasn't|aren't"));

/** Words that end a negation's reach before the clause ends (不是井盖的问题而是路灯坏了). */
export const NEGATION_ENDS: ReadonlySet<string> = new Set(terms('是|而是|就是|但是|可是|只是|but'));
