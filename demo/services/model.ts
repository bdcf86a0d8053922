/**
 * The shape of the demo city's government service catalog (政务服务事项目录) and the closed
 * vocabularies it uses: themes, life events, certificate types, pre-fill paths and workflow
 * definitions. The data lives beside this file, one file per group of departments.
 *
 * Conventions every form (a JSON Schema, draft 2020-12) follows:
 * - `title` is Chinese; `x-title-en` is its English (on the form and on every field and option);
 * - a labelled choice is `oneOf` of `{ const, title, x-title-en }`;
 * - `x-prefill` names where the value comes from when the applicant is signed in (one of
 *   `prefillPaths`); the applicant can still change it;
 * - `x-maps-to` (bundle shared forms only) names, per member service, the field of that
 *   service's form the value is copied to;
 * - forms are flat objects: one level of fields (a field may be an array of small objects);
 *   uploads and certificates are not fields: they are the service's `materials`.
 */
import type { Names } from '../cities.ts';

/** Who a service is for: 个人 (citizens), 法人 (enterprises and other organisations), or both. */
export type Audience = 'citizen' | 'enterprise' | 'both';

/** What a required material is: the online form itself, a certificate, a file to upload, an identity document. */
export type MaterialKind = 'form' | 'certificate' | 'upload' | 'id';

/** One required material (申请材料). */
export interface ServiceMaterial {
  /** Unique within the service. */
  code: string;
  name: Names;
  kind: MaterialKind;
  /**
   * The certificate type the government already holds for this material: the application attaches
   * it by reference (免提交) instead of asking for an upload.
   */
  heldBy?: string;
  /** Needed only when it applies (e.g. a rental contract when the family does not own its home). */
  optional?: boolean;
  /** Another party's document (the seller's title, the partner's ID card), looked up from the form, not the applicant's wallet. */
  otherParty?: boolean;
}

/** What a service costs; amounts in fen (分), 0 for the free majority. */
export interface ServiceFee {
  amountFen: number;
  note?: Names;
}

/** Who acts on a workflow step. */
export type WorkflowRole = 'clerk' | 'supervisor';

/** One step of a service's workflow, in order; steps sharing a `parallelGroup` run at the same time (会签). */
export interface WorkflowStepSpec {
  code: string;
  name: Names;
  departmentCode: string;
  role: WorkflowRole;
  parallelGroup?: string;
}

/** A service's workflow: the definition it follows and its steps as data. */
export interface ServiceWorkflow {
  /** Code of one of `demoWorkflowDefinitions`. */
  code: string;
  steps: WorkflowStepSpec[];
}

/** The e-certificate a service issues. */
export interface IssuedCertificate {
  /** Code of one of `demoCertificateTypes`. */
  certificateType: string;
  name: Names;
  validityYears?: number;
}

/** Where a form field's value comes from when the applicant is signed in. */
export type PrefillPath = (typeof prefillPaths)[number];

/** A labelled choice of a form field. */
export interface FormOption {
  const: string;
  title: string;
  'x-title-en': string;
}

/** One field of an application form (a JSON Schema property). */
export interface FormField {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'array';
  title: string;
  'x-title-en': string;
  'x-prefill'?: PrefillPath;
  /** Bundle shared forms only: member service code → field of its form. */
  'x-maps-to'?: Record<string, string>;
  format?: 'date' | 'email';
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  oneOf?: FormOption[];
  minItems?: number;
  items?: FormField | FormObject;
}

/** A small object inside an array field (e.g. one shareholder). */
export interface FormObject {
  type: 'object';
  title: string;
  'x-title-en': string;
  properties: Record<string, FormField>;
  required: string[];
  additionalProperties: false;
}

/** An application form: a JSON Schema (draft 2020-12) object. */
export interface FormSchema {
  $schema: 'https://json-schema.org/draft/2020-12/schema';
  type: 'object';
  title: string;
  'x-title-en': string;
  properties: Record<string, FormField>;
  required: string[];
  additionalProperties: false;
}

/** One government service (政务服务事项) of the catalog. */
export interface ServiceSpec {
  /** Stable, kebab-case, unique in the catalog. */
  code: string;
  name: Names;
  departmentCode: string;
  audience: Audience;
  /** Codes of `demoServiceThemes`. */
  themes: string[];
  /** Codes of `demoLifeEvents`. */
  lifeEvents: string[];
  summary: Names;
  materials: ServiceMaterial[];
  fee: ServiceFee;
  /** Time limit by law (法定办结时限), in working days; 0 = on the spot. */
  legalDays: number;
  /** Time limit the city promises (承诺办结时限), in working days; never more than `legalDays`. */
  promisedDays: number;
  /** Trips to a counter the applicant makes (最多跑一次). */
  visits: 0 | 1;
  /** Why the one visit is needed. */
  visitReason?: Names;
  /** Whether the application can be submitted online (zero visits implies it can). */
  online: boolean;
  eligibility: Names;
  form: FormSchema;
  workflow: ServiceWorkflow;
  issues?: IssuedCertificate;
  /** Generated variants only: the service this one is a sub-item (子项) or local window of. */
  variantOf?: string;
  /** Generated variants only: the district or street whose service centre handles it. */
  zoneCode?: string;
}

/** A bundle of services applied for together with one form (一件事一次办). */
export interface BundleSpec {
  code: string;
  name: Names;
  summary: Names;
  /** Code of one of `demoLifeEvents`. */
  lifeEvent: string;
  /** Member service codes, in the order they run: a service issuing a certificate comes before those that need it. */
  services: string[];
  /** Every field carries `x-maps-to`: the member fields its value fills. */
  sharedForm: FormSchema;
  /** Fixed values of member fields the bundle implies (a restaurant's venue type): service code → field → value. */
  presets?: Record<string, Record<string, string | number | boolean>>;
}

/** A theme of the catalog (主题), e.g. 社会保障. */
export interface ServiceTheme {
  code: string;
  name: Names;
}

/** A life event (人生事件 / 企业生命周期) that groups the services it brings. */
export interface LifeEvent {
  code: string;
  name: Names;
  audience: 'citizen' | 'enterprise';
}

/** A type of e-certificate (电子证照) a department issues. */
export interface CertificateTypeSpec {
  code: string;
  name: Names;
  /** The department that issues it. */
  departmentCode: string;
  holder: Audience;
  /** Held in a department's records but not issued through the catalog (e.g. a funeral home's cremation record). */
  fromRecords?: true;
  /** A licence, permit or registration its holder changes, renews, cancels or replaces (变更、延续、注销、补证). */
  licence?: true;
}

/** A step of a workflow definition; `department: 'other'` steps are countersigned in parallel by one or more other departments. */
export interface WorkflowDefinitionStep {
  code: string;
  name: Names;
  role: WorkflowRole;
  department: 'service' | 'other';
}

/** A workflow definition services refer to by code. */
export interface WorkflowDefinitionSpec {
  code: string;
  name: Names;
  steps: WorkflowDefinitionStep[];
}

/** Every `x-prefill` path a form may use: the citizen's profile, or the enterprise acting. */
export const prefillPaths = [
  'profile.name',
  'profile.nationalId',
  'profile.phone',
  'profile.email',
  'profile.address',
  'profile.householdAddress',
  'profile.gender',
  'profile.birthDate',
  'enterprise.uscc',
  'enterprise.name',
  'enterprise.legalRepresentative',
  'enterprise.address',
  'enterprise.contactName',
  'enterprise.contactPhone',
] as const;

/** The keywords OneCity adds to JSON Schema in forms (a validator must be told about them). */
export const formKeywords = ['x-title-en', 'x-prefill', 'x-maps-to'] as const;

const t = (code: string, zh: string, en: string): ServiceTheme => ({ code, name: { zh, en } });

/** The themes of the catalog. */
export const demoServiceThemes: ServiceTheme[] = [
  t('social-security', '社会保障', 'Social security'),
  t('household-registration', '户籍办理', 'Household registration'),
  t('medical-health', '医疗卫生', 'Health and medical care'),
  t('medical-insurance', '医疗保障', 'Medical insurance'),
  t('education', '教育', 'Education'),
  t('housing', '住房保障', 'Housing'),
  t('real-estate', '不动产登记', 'Real estate registration'),
  t('housing-fund', '住房公积金', 'Housing provident fund'),
  t('transport', '交通出行', 'Transport and travel'),
  t('vehicles-drivers', '机动车驾驶人', 'Vehicles and drivers'),
  t('marriage-birth', '婚育收养', 'Marriage, birth and adoption'),
  t('employment-entrepreneurship', '就业创业', 'Jobs and entrepreneurship'),
  t('taxation', '税务', 'Taxation'),
  t('market-regulation', '市场监管', 'Market regulation'),
  t('food-drug', '食品药品', 'Food and drug safety'),
  t('social-assistance', '社会救助', 'Social assistance'),
  t('elderly-care', '养老服务', 'Elderly care'),
  t('funeral', '殡葬服务', 'Funeral services'),
  t('entry-exit', '出入境', 'Entry and exit'),
  t('public-safety', '公安服务', 'Police services'),
  t('fire-safety', '消防安全', 'Fire safety'),
  t('work-safety', '安全生产', 'Work safety'),
  t('construction', '工程建设', 'Construction projects'),
  t('ecology-environment', '生态环保', 'Ecology and environment'),
  t('water-affairs', '水务', 'Water'),
  t('city-management', '市容市政', 'City appearance and utilities'),
  t('greenery', '园林林业', 'Forestry and greenery'),
  t('culture-tourism-sports', '文化旅游体育', 'Culture, tourism and sport'),
  t('agriculture', '农业农村', 'Agriculture and rural affairs'),
  t('commerce-trade', '商贸流通', 'Commerce and trade'),
  t('qualifications', '职业资格', 'Professional qualifications'),
  t('certificates-proofs', '证明开具', 'Certificates and proofs'),
  t('government-transparency', '政务公开', 'Open government'),
];

const e = (code: string, zh: string, en: string, audience: LifeEvent['audience']): LifeEvent => ({
  code,
  name: { zh, en },
  audience,
});

/** The life events of citizens and of enterprises. */
export const demoLifeEvents: LifeEvent[] = [
  e('birth', '出生', 'Having a baby', 'citizen'),
  e('adoption', '收养', 'Adopting a child', 'citizen'),
  e('school-entry', '入学', 'Starting school', 'citizen'),
  e('graduation', '毕业', 'Graduating', 'citizen'),
  e('employment', '就业', 'Getting a job', 'citizen'),
  e('unemployment', '失业', 'Losing a job', 'citizen'),
  e('work-injury', '工伤', 'Injured at work', 'citizen'),
  e('marriage', '结婚', 'Getting married', 'citizen'),
  e('moving-here', '迁入落户', 'Moving to the city', 'citizen'),
  e('renting-home', '租房', 'Renting a home', 'citizen'),
  e('buying-home', '购房', 'Buying a home', 'citizen'),
  e('car-ownership', '购车驾车', 'Owning a car', 'citizen'),
  e('travel-abroad', '出境旅行', 'Travelling abroad', 'citizen'),
  e('keeping-a-dog', '养犬', 'Keeping a dog', 'citizen'),
  e('illness', '就医', 'Getting medical care', 'citizen'),
  e('hardship', '生活困难', 'Facing hardship', 'citizen'),
  e('retirement', '退休', 'Retiring', 'citizen'),
  e('old-age', '养老', 'Old age', 'citizen'),
  e('death', '身后事', 'After a death', 'citizen'),
  e('lost-documents', '证件补办', 'Replacing lost documents', 'citizen'),
  e('starting-a-business', '开办企业', 'Starting a business', 'enterprise'),
  e('opening-a-restaurant', '开餐馆', 'Opening a restaurant', 'enterprise'),
  e('opening-a-shop', '开商店', 'Opening a shop', 'enterprise'),
  e('opening-a-pharmacy', '开药店', 'Opening a pharmacy', 'enterprise'),
  e('opening-a-hotel', '开旅馆', 'Opening a hotel', 'enterprise'),
  e('opening-a-clinic', '开诊所', 'Opening a clinic', 'enterprise'),
  e('opening-a-venue', '开文体娱乐场所', 'Opening a leisure or sports venue', 'enterprise'),
  e('hiring', '招聘用工', 'Hiring staff', 'enterprise'),
  e('running-a-business', '经营纳税', 'Running a business', 'enterprise'),
  e('transport-business', '开展运输经营', 'Starting a transport business', 'enterprise'),
  e('farming', '农业生产经营', 'Farming', 'enterprise'),
  e('construction-project', '项目建设', 'Building a project', 'enterprise'),
  e('business-change', '企业变更', 'Changing company details', 'enterprise'),
  e('business-closure', '企业注销', 'Closing a business', 'enterprise'),
];

const c = (
  code: string,
  zh: string,
  en: string,
  departmentCode: string,
  holder: Audience,
  fromRecords?: true,
): CertificateTypeSpec => ({ code, name: { zh, en }, departmentCode, holder, ...(fromRecords ? { fromRecords } : {}) });

/** Certificate types that are licences (see `CertificateTypeSpec.licence`). */
const licences = new Set([
  'hotel-special-trade-licence',
  'social-organisation-certificate',
  'physician-practising-certificate',
  'nurse-practising-certificate',
  'public-venue-hygiene-licence',
  'medical-institution-licence',
  'clinic-filing-certificate',
  'radiation-diagnosis-licence',
  'private-school-licence',
  'labour-dispatch-licence',
  'hr-service-licence',
  'construction-enterprise-qualification',
  'food-business-permit',
  'food-workshop-registration',
  'drug-retail-licence',
  'medical-device-business-filing',
  'special-equipment-registration',
  'hazardous-chemicals-business-licence',
  'fireworks-retail-licence',
  'road-transport-business-licence',
  'end-of-life-vehicle-recycling-qualification',
  'refined-oil-retail-licence',
  'entertainment-business-licence',
  'internet-cafe-licence',
  'travel-agency-licence',
  'high-risk-sports-licence',
  'publication-business-licence',
  'pesticide-business-licence',
  'veterinary-drug-business-licence',
  'animal-epidemic-prevention-certificate',
  'gas-business-licence',
  'outdoor-advertising-permit',
  'drainage-permit',
  'water-intake-permit',
  'pollutant-discharge-permit',
  'radiation-safety-licence',
]);

/** The e-certificate types the city's departments issue and hold. */
export const demoCertificateTypes: CertificateTypeSpec[] = [
  c('resident-id-card', '居民身份证', 'Resident identity card', 'public-security', 'citizen'),
  c('household-register', '居民户口簿', 'Household register', 'public-security', 'citizen'),
  c('residence-permit', '居住证', 'Residence permit', 'public-security', 'citizen'),
  c(
    'no-criminal-record-certificate',
    '无犯罪记录证明',
    'Certificate of no criminal record',
    'public-security',
    'citizen',
  ),
  c('passport', '普通护照', 'Passport', 'public-security', 'citizen'),
  c(
    'hk-macau-travel-permit',
    '往来港澳通行证',
    'Exit-entry permit for Hong Kong and Macao',
    'public-security',
    'citizen',
  ),
  c('dog-registration-certificate', '犬只登记证', 'Dog registration certificate', 'public-security', 'citizen'),
  c(
    'vehicle-registration-certificate',
    '机动车登记证书',
    'Motor vehicle registration certificate',
    'public-security',
    'both',
  ),
  c('driving-licence', '机动车驾驶证', 'Driving licence', 'public-security', 'citizen'),
  c('vehicle-inspection-mark', '机动车检验合格标志', 'Vehicle inspection mark', 'public-security', 'both'),
  c(
    'hotel-special-trade-licence',
    '特种行业许可证（旅馆业）',
    'Special trade licence (hotels)',
    'public-security',
    'enterprise',
  ),
  c(
    'large-event-safety-permit',
    '大型群众性活动安全许可决定书',
    'Safety permit for a large public event',
    'public-security',
    'enterprise',
  ),
  c('marriage-certificate', '结婚证', 'Marriage certificate', 'civil-affairs', 'citizen'),
  c('adoption-certificate', '收养登记证', 'Adoption registration certificate', 'civil-affairs', 'citizen'),
  c('senior-citizen-card', '老年人优待证', 'Senior citizen card', 'civil-affairs', 'citizen'),
  c('cremation-certificate', '火化证明', 'Cremation certificate', 'civil-affairs', 'citizen', true),
  c(
    'social-organisation-certificate',
    '社会团体法人登记证书',
    'Registration certificate of a social organisation',
    'civil-affairs',
    'enterprise',
  ),
  c('birth-medical-certificate', '出生医学证明', 'Birth medical certificate', 'health', 'citizen'),
  c('death-medical-certificate', '居民死亡医学证明（推断）书', 'Medical certificate of death', 'health', 'citizen'),
  c('physician-practising-certificate', '医师执业证书', "Physician's practising certificate", 'health', 'citizen'),
  c('nurse-practising-certificate', '护士执业证书', "Nurse's practising certificate", 'health', 'citizen'),
  c('public-venue-hygiene-licence', '公共场所卫生许可证', 'Public venue hygiene licence', 'health', 'enterprise'),
  c(
    'medical-institution-licence',
    '医疗机构执业许可证',
    'Medical institution practising licence',
    'health',
    'enterprise',
  ),
  c('clinic-filing-certificate', '诊所备案凭证', 'Clinic filing certificate', 'health', 'enterprise'),
  c(
    'radiation-diagnosis-licence',
    '放射诊疗许可证',
    'Radiological diagnosis and treatment licence',
    'health',
    'enterprise',
  ),
  c('teacher-qualification-certificate', '教师资格证书', 'Teacher qualification certificate', 'education', 'citizen'),
  c('private-school-licence', '民办学校办学许可证', 'Private school licence', 'education', 'enterprise'),
  c('social-security-card', '社会保障卡', 'Social security card', 'human-resources', 'citizen'),
  c('retirement-certificate', '退休证', 'Retirement certificate', 'human-resources', 'citizen'),
  c('work-injury-decision', '认定工伤决定书', 'Work injury decision', 'human-resources', 'both'),
  c('labour-dispatch-licence', '劳务派遣经营许可证', 'Labour dispatch licence', 'human-resources', 'enterprise'),
  c('hr-service-licence', '人力资源服务许可证', 'Human resources service licence', 'human-resources', 'enterprise'),
  c('real-estate-certificate', '不动产权证书', 'Real estate title certificate', 'planning-resources', 'both'),
  c('real-estate-registration-proof', '不动产登记证明', 'Real estate registration proof', 'planning-resources', 'both'),
  c(
    'construction-land-planning-permit',
    '建设用地规划许可证',
    'Planning permit for construction land',
    'planning-resources',
    'enterprise',
  ),
  c(
    'construction-project-planning-permit',
    '建设工程规划许可证',
    'Planning permit for a construction project',
    'planning-resources',
    'enterprise',
  ),
  c(
    'housing-lease-filing',
    '房屋租赁登记备案证明',
    'Housing lease registration certificate',
    'housing-construction',
    'both',
  ),
  c(
    'housing-sale-contract-filing',
    '房屋买卖合同网签备案证明',
    'Filed housing sale contract',
    'housing-construction',
    'both',
  ),
  c('construction-permit', '建筑工程施工许可证', 'Construction permit', 'housing-construction', 'enterprise'),
  c(
    'construction-fire-acceptance',
    '特殊建设工程消防验收意见书',
    'Fire acceptance of a special construction project',
    'housing-construction',
    'enterprise',
  ),
  c(
    'presale-permit',
    '商品房预售许可证',
    'Pre-sale permit for commercial housing',
    'housing-construction',
    'enterprise',
  ),
  c(
    'construction-enterprise-qualification',
    '建筑业企业资质证书',
    'Construction enterprise qualification certificate',
    'housing-construction',
    'enterprise',
  ),
  c('business-licence', '营业执照', 'Business licence', 'market-regulation', 'both'),
  c('food-business-permit', '食品经营许可证', 'Food business permit', 'market-regulation', 'both'),
  c('food-workshop-registration', '食品小作坊登记证', 'Small food workshop registration', 'market-regulation', 'both'),
  c('food-stall-registration', '食品摊贩登记卡', 'Food stall registration card', 'market-regulation', 'citizen'),
  c('drug-retail-licence', '药品经营许可证（零售）', 'Drug retail licence', 'market-regulation', 'enterprise'),
  c(
    'medical-device-business-filing',
    '第二类医疗器械经营备案凭证',
    'Class II medical device business filing',
    'market-regulation',
    'enterprise',
  ),
  c(
    'special-equipment-registration',
    '特种设备使用登记证',
    'Special equipment registration certificate',
    'market-regulation',
    'enterprise',
  ),
  c(
    'fire-safety-inspection',
    '公众聚集场所投入使用、营业前消防安全检查合格证',
    'Fire safety inspection certificate for a public venue before opening',
    'fire-rescue',
    'enterprise',
  ),
  c('tax-payment-certificate', '税收完税证明', 'Tax payment certificate', 'taxation', 'both'),
  c('tax-clearance-certificate', '清税证明', 'Tax clearance certificate', 'taxation', 'both'),
  c(
    'hazardous-chemicals-business-licence',
    '危险化学品经营许可证',
    'Hazardous chemicals business licence',
    'emergency-management',
    'enterprise',
  ),
  c(
    'fireworks-retail-licence',
    '烟花爆竹经营（零售）许可证',
    'Fireworks retail licence',
    'emergency-management',
    'enterprise',
  ),
  c('ride-hailing-driver-permit', '网络预约出租汽车驾驶员证', 'Ride-hailing driver permit', 'transport', 'citizen'),
  c('ride-hailing-vehicle-permit', '网络预约出租汽车运输证', 'Ride-hailing vehicle permit', 'transport', 'both'),
  c(
    'road-transport-business-licence',
    '道路运输经营许可证',
    'Road transport business licence',
    'transport',
    'enterprise',
  ),
  c(
    'end-of-life-vehicle-recycling-qualification',
    '报废机动车回收拆解企业资质认定证书',
    'End-of-life vehicle recycling qualification',
    'commerce',
    'enterprise',
  ),
  c('refined-oil-retail-licence', '成品油零售经营批准证书', 'Refined oil retail licence', 'commerce', 'enterprise'),
  c(
    'entertainment-business-licence',
    '娱乐经营许可证',
    'Entertainment business licence',
    'culture-tourism-sports',
    'enterprise',
  ),
  c(
    'internet-cafe-licence',
    '网络文化经营许可证（上网服务）',
    'Internet cafe licence',
    'culture-tourism-sports',
    'enterprise',
  ),
  c('travel-agency-licence', '旅行社业务经营许可证', 'Travel agency licence', 'culture-tourism-sports', 'enterprise'),
  c(
    'high-risk-sports-licence',
    '高危险性体育项目经营许可证',
    'High-risk sports business licence',
    'culture-tourism-sports',
    'enterprise',
  ),
  c(
    'publication-business-licence',
    '出版物经营许可证',
    'Publication business licence',
    'culture-tourism-sports',
    'both',
  ),
  c('pesticide-business-licence', '农药经营许可证', 'Pesticide business licence', 'agriculture', 'enterprise'),
  c(
    'veterinary-drug-business-licence',
    '兽药经营许可证',
    'Veterinary drug business licence',
    'agriculture',
    'enterprise',
  ),
  c(
    'animal-epidemic-prevention-certificate',
    '动物防疫条件合格证',
    'Animal epidemic prevention certificate',
    'agriculture',
    'enterprise',
  ),
  c(
    'agricultural-machinery-registration',
    '拖拉机和联合收割机登记证书',
    'Tractor and combine harvester registration',
    'agriculture',
    'both',
  ),
  c('fishing-licence', '渔业捕捞许可证', 'Fishing licence', 'agriculture', 'both'),
  c('tree-felling-permit', '林木采伐许可证', 'Tree felling permit', 'forestry-parks', 'both'),
  c('gas-business-licence', '燃气经营许可证', 'Gas business licence', 'urban-management', 'enterprise'),
  c(
    'outdoor-advertising-permit',
    '户外广告设施设置许可决定书',
    'Outdoor advertising permit',
    'urban-management',
    'enterprise',
  ),
  c(
    'construction-waste-disposal-permit',
    '城市建筑垃圾处置核准文件',
    'Construction waste disposal permit',
    'urban-management',
    'enterprise',
  ),
  c('drainage-permit', '城镇污水排入排水管网许可证', 'Sewer discharge permit', 'water', 'enterprise'),
  c('water-intake-permit', '取水许可证', 'Water abstraction permit', 'water', 'enterprise'),
  c(
    'eia-approval',
    '建设项目环境影响报告表审批意见',
    'Environmental impact approval',
    'ecology-environment',
    'enterprise',
  ),
  c('pollutant-discharge-permit', '排污许可证', 'Pollutant discharge permit', 'ecology-environment', 'enterprise'),
  c('radiation-safety-licence', '辐射安全许可证', 'Radiation safety licence', 'ecology-environment', 'enterprise'),
].map((type) => (licences.has(type.code) ? { ...type, licence: true as const } : type));

const step = (
  code: string,
  zh: string,
  en: string,
  role: WorkflowRole,
  department: 'service' | 'other' = 'service',
) => ({
  code,
  name: { zh, en },
  role,
  department,
});

/** The workflow definitions services follow; their steps' departments come from each service. */
export const demoWorkflowDefinitions: WorkflowDefinitionSpec[] = [
  {
    code: 'instant',
    name: { zh: '即办', en: 'Done on the spot' },
    steps: [step('handle', '受理并办结', 'Accept and complete', 'clerk')],
  },
  {
    code: 'accept-decide',
    name: { zh: '受理—审核决定', en: 'Accept, then decide' },
    steps: [step('accept', '受理', 'Accept', 'clerk'), step('decide', '审核决定', 'Review and decide', 'supervisor')],
  },
  {
    code: 'accept-examine-decide',
    name: { zh: '受理—审查—决定', en: 'Accept, examine, then decide' },
    steps: [
      step('accept', '受理', 'Accept', 'clerk'),
      step('examine', '审查', 'Examine', 'clerk'),
      step('decide', '审核决定', 'Review and decide', 'supervisor'),
    ],
  },
  {
    code: 'accept-inspect-decide',
    name: { zh: '受理—现场核查—决定', en: 'Accept, inspect on site, then decide' },
    steps: [
      step('accept', '受理', 'Accept', 'clerk'),
      step('inspect', '现场核查', 'On-site inspection', 'clerk'),
      step('decide', '审核决定', 'Review and decide', 'supervisor'),
    ],
  },
  {
    code: 'decide-then-register',
    name: { zh: '审核决定—他部门登记', en: 'Decide, then another department registers' },
    steps: [
      step('accept', '受理', 'Accept', 'clerk'),
      step('decide', '审核决定', 'Review and decide', 'supervisor'),
      step('register', '登记办结', 'Register and complete', 'clerk', 'other'),
    ],
  },
  {
    code: 'countersign-decide',
    name: { zh: '受理—并联会签—决定', en: 'Accept, countersign in parallel, then decide' },
    steps: [
      step('accept', '受理', 'Accept', 'clerk'),
      step('countersign', '会签', 'Countersign', 'clerk', 'other'),
      step('decide', '审核决定', 'Review and decide', 'supervisor'),
    ],
  },
];
