/**
 * What people type when they look for a government service, and the service (or services,
 * equally right) that must come first, over the demo catalog of 209 services indexed as
 * test-corpus.ts maps them. Colloquial Chinese, official titles, English, and typos of both.
 */
export interface RankingCase {
  query: string;
  /** Any of these first is right. */
  first: string[];
}

const c = (query: string, ...first: string[]): RankingCase => ({ query, first });

const fundWithdrawals = [
  'fund-withdrawal-home-purchase',
  'fund-withdrawal-rent',
  'fund-withdrawal-retirement',
  'fund-withdrawal-loan-repayment',
  'fund-withdrawal-death',
];
const idCards = ['id-card-first-application', 'id-card-renewal', 'id-card-replacement', 'temporary-id-card'];
const birth = [
  'birth-medical-certificate',
  'birth-household-registration',
  'birth-service-registration',
  'newborn-medical-insurance',
  'maternity-allowance',
];
const restaurant = [
  'food-business-permit',
  'individual-business-registration',
  'enterprise-establishment',
  'fire-safety-check-before-opening',
];

/** The ranking cases. */
export const rankingCases: RankingCase[] = [
  // Colloquial Chinese
  c('开餐馆', ...restaurant),
  c('办身份证', ...idCards),
  c('社保卡丢了', 'social-security-card-replacement'),
  c('生孩子', ...birth),
  c('公积金提取', ...fundWithdrawals),
  c('身份证丢了怎么办', 'id-card-replacement'),
  c('身份证补领', 'id-card-replacement'),
  c('驾照到期换证', 'driving-licence-renewal'),
  c('驾驶证丢了', 'driving-licence-replacement'),
  c('失业金怎么领', 'unemployment-benefit'),
  c('低保', 'minimum-living-allowance'),
  c('开无犯罪记录证明', 'no-criminal-record-certificate'),
  c('异地就医备案', 'cross-region-medical-filing'),
  c('医保报销', 'medical-expense-reimbursement'),
  c('营业执照丢了', 'business-licence-replacement'),
  c('开公司', 'enterprise-establishment'),
  c('养狗要办什么', 'dog-registration'),
  c('二手车过户', 'vehicle-transfer'),
  c('租房提取公积金', 'fund-withdrawal-rent'),
  c('幼儿园报名', 'kindergarten-enrolment'),
  c('小升初', 'junior-secondary-enrolment'),
  c('个税汇算', 'iit-annual-reconciliation'),
  c('居住证', 'residence-permit-application'),
  c('出生证明', 'birth-medical-certificate'),
  c('工伤认定', 'work-injury-recognition'),
  c('公租房申请', 'public-rental-housing'),
  c('网约车司机证', 'ride-hailing-driver-permit'),
  c('结婚登记', 'marriage-registration'),
  c('港澳通行证', 'hk-macau-permit'),
  c('办护照', 'passport-application'),
  // Official titles
  c('居民身份证补领', 'id-card-replacement'),
  c('食品经营许可', 'food-business-permit'),
  c('住房公积金缴存证明', 'fund-deposit-certificate'),
  // English
  c('passport', 'passport-application'),
  c('lost id card', 'id-card-replacement'),
  c('marriage registration', 'marriage-registration'),
  c('renew driving licence', 'driving-licence-renewal'),
  c('unemployment benefit', 'unemployment-benefit'),
  c('open a restaurant', ...restaurant),
  c('housing fund withdrawal for rent', 'fund-withdrawal-rent'),
  c('dog registration', 'dog-registration'),
  c('birth certificate', 'birth-medical-certificate'),
  c('lost social security card', 'social-security-card-replacement'),
  c('certificate of no criminal record', 'no-criminal-record-certificate'),
  c('public rental housing', 'public-rental-housing'),
  c('ＰＡＳＳＰＯＲＴ', 'passport-application'),
  // Typos
  c('身分证补领', 'id-card-replacement'),
  c('pasport', 'passport-application'),
  c('marrige registration', 'marriage-registration'),
  c('restuarant', ...restaurant),
  c('unemploymnet benefit', 'unemployment-benefit'),
  c('社保咔补办', 'social-security-card-replacement'),
];
