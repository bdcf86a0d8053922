/**
 * The built-in vocabulary of Chinese public administration the search reads text with: words the
 * segmenter must keep whole, sets of words that mean the same to someone looking for a service
 * (what people say — 社保卡丢了, 驾照, 开餐馆 — and what the catalog says: 社会保障卡补换,
 * 机动车驾驶证, 食品经营许可), and the words of a question that carry no meaning (怎么, 办理, how).
 * It is matching data, never shown to anyone; a city adds its own synonym sets (synonyms.ts).
 *
 * Lists are written as `a|b|c`. A set is symmetric: a query word of a set also looks for every
 * other word of it. A term with Han characters matches on word boundaries; an English one matches
 * whole words, stemmed (licences = licence).
 */

const terms = (list: string): string[] =>
  list
    .split('|')
    .map((t) => t.trim())
    .filter((t) => t !== '');

/**
 * Words jieba must keep whole. Without them 社保卡 would be cut 社保 | 卡 in one text and kept
 * whole in another, and 丢了 or 办 would cling to their neighbours.
 */
export const GOVERNMENT_WORDS: readonly string[] = terms(
  // identity and household
  '身份证|居民身份证|临时身份证|身份证件|户口|户籍|户口簿|户口本|户口迁移|落户|入户|居住证|居住登记|暂住证|' +
    '无犯罪记录|无犯罪记录证明|良民证|' +
    // travel documents
    '护照|通行证|港澳通行证|往来港澳通行证|签注|出入境|' +
    // vehicles
    '驾照|驾驶证|机动车驾驶证|行驶证|机动车|二手车|网约车|年检|免检|' +
    // social insurance and the housing fund
    '社保|社保卡|社会保障卡|社会保险|医保|医保卡|医疗保险|医疗保障|公积金|住房公积金|养老金|养老保险|失业金|失业保险|' +
    '失业保险金|工伤|生育津贴|异地就医|报销|低保|最低生活保障|特困|' +
    // family
    '结婚|结婚证|离婚|婚姻登记|生孩子|生小孩|新生儿|出生证|出生医学证明|准生证|生育登记|收养|' +
    // housing and property
    '房产证|不动产|不动产权证书|买房|购房|租房|公租房|二手房|商品房|网签|过户|' +
    // business
    '营业执照|工商登记|开公司|注册公司|个体户|个体工商户|开餐馆|开饭店|餐馆|饭店|餐厅|餐饮|食品经营|食品经营许可|' +
    '发票|个税|个人所得税|增值税|契税|' +
    // documents lost, replaced, renewed
    '丢了|丢失|遗失|补领|补办|补换|挂失|换领|换证|到期|过期',
);

/**
 * Sets of words that mean the same to someone looking for a service. Kept to what a person
 * would accept as "that is what I meant": a broad word (车) is never in a set with a narrow
 * one it does not always mean.
 */
export const GOVERNMENT_SYNONYMS: readonly (readonly string[])[] = [
  '身份证|居民身份证|身份证件|二代证|id card|identity card|identity document',
  '户口|户籍|户口簿|户口本|household registration|household register|hukou',
  '落户|入户|迁户口|户口迁入|settle|settlement',
  '居住证|暂住证|residence permit',
  '无犯罪记录|无犯罪记录证明|无犯罪证明|良民证|criminal record|no criminal record',
  '护照|出入境|passport',
  '港澳通行证|往来港澳通行证|hong kong and macao permit|macau|macao|hong kong',
  '签注|再次签注|endorsement',
  '驾照|驾驶证|机动车驾驶证|driving licence|driving license|driver license|drivers license',
  '车|汽车|机动车|car|vehicle|motor vehicle',
  '二手车|used car|second-hand car',
  '网约车|网络预约出租汽车|ride-hailing|ride hailing',
  '司机|驾驶员|driver',
  '社保|社会保险|社会保障|social insurance|social security',
  '社保卡|社会保障卡|social security card',
  '医保|医疗保险|医疗保障|基本医疗保险|medical insurance|health insurance',
  '医保卡|医保电子凭证|medical insurance card',
  '公积金|住房公积金|housing fund|provident fund',
  '养老金|养老保险|基本养老保险|退休金|pension',
  '失业金|失业保险金|失业保险|unemployment benefit|unemployment insurance',
  '低保|最低生活保障|dibao|minimum living allowance',
  '看病|就医|医疗|medical care|doctor',
  '报销|手工报销|零星报销|reimbursement|reimburse',
  '结婚|婚姻登记|结婚登记|结婚证|领证|marriage|married|marry|wedding',
  '生孩子|生小孩|生育|出生|新生儿|宝宝|baby|birth|newborn|having a baby',
  '出生证|出生证明|出生医学证明|birth certificate|birth medical certificate',
  '准生证|生育登记|生育服务登记|birth registration',
  '房产证|不动产权证书|不动产登记|房本|property certificate|title deed',
  '买房|购房|购买住房|购买自住住房|buy a home|buying a home|home purchase',
  '租房|租赁住房|租赁|rent|renting|tenancy',
  '公租房|公共租赁住房|廉租房|public rental housing|public housing',
  '开餐馆|开饭店|餐饮|饭店|餐馆|餐厅|restaurant|catering',
  '营业执照|工商登记|企业设立登记|business licence|business license',
  '开公司|注册公司|成立公司|设立公司|start a company|register a company|set up a company',
  '个体户|个体工商户|sole trader|self-employed business',
  '个税|个人所得税|income tax',
  '发票|invoice',
  '狗|犬|养狗|养犬|犬只|dog',
  '上学|入学|报名|school enrolment|enrolment|enrollment',
  '丢了|丢失|遗失|补领|补办|补换|挂失|lost|replace|replacement|replacing',
  '换证|换领|到期|过期|到期换证|期满换证|renew|renewal|expired',
  '过世|去世|死亡|身后事|death|died|deceased',
  '残疾|残疾人|disabled|disability',
  '老人|老年人|高龄|elderly|senior',
  '工作|就业|找工作|job|employment',
  '辞职|失业|离职|lost my job|unemployed|unemployment',
  '药店|药房|药品零售|pharmacy|drugstore',
].map(terms);

/**
 * Words of a question that say nothing about what is looked for: dropped from a query that has
 * other words (怎么办理护照 looks for 护照), kept when they are all it has.
 */
export const QUESTION_WORDS: ReadonlySet<string> = new Set(
  terms(
    '的|了|吗|呢|啊|吧|呀|嘛|我|我们|你|您|他|她|想|要|想要|需要|怎么|怎样|怎么样|如何|怎么办|哪里|哪儿|在哪|在哪里|' +
      '什么|哪些|哪个|请问|可以|能|能否|是否|一下|去|到|给|帮|帮我|和|与|及|或|在|有|有没有|吗|该|应该|办|弄|搞|' +
      'a|an|the|of|for|to|in|on|at|by|with|and|or|i|me|my|we|our|you|your|is|are|be|do|does|can|could|how|what|' +
      'where|when|which|who|please|want|need|should|it|this|that|from|about|as|into|up',
  ),
);

/**
 * Words that say little on their own (办理, 申请, apply): they rank documents that have them
 * higher but do not exclude those that do not (身份证申请 still finds 居民身份证首次申领).
 */
export const WEAK_WORDS: ReadonlySet<string> = new Set(
  terms(
    '办理|申请|申领|申报|手续|流程|业务|服务|事项|网上|在线|线上|材料|条件|多久|' +
      'apply|application|applying|get|getting|online|service|services|procedure|process|requirement|requirements',
  ),
);

/**
 * What someone wants done rather than what it is about (补领, 换证, renew): in 护照 换证 the
 * passport decides which service is meant, so these count half as much in ranking, though they
 * are still required.
 */
export const ACTION_WORDS: ReadonlySet<string> = new Set(
  terms(
    '丢了|丢失|遗失|补领|补办|补换|挂失|换证|换领|到期|过期|到期换证|期满换证|提取|注销|变更|迁移|转移|查询|开具|' +
      'lost|replace|replacement|replacing|renew|renewal|expired|withdraw|withdrawal|cancel|cancellation|change|transfer',
  ),
);
