/**
 * Builders that keep the catalog's data files short: fields and forms, materials every
 * department asks for, workflows from their definitions, and a service from a compact draft.
 */
import { demoDepartments } from '../departments.ts';
import {
  type Audience,
  demoCertificateTypes,
  demoWorkflowDefinitions,
  type FormField,
  type FormObject,
  type FormOption,
  type FormSchema,
  type IssuedCertificate,
  type MaterialKind,
  type PrefillPath,
  type ServiceMaterial,
  type ServiceSpec,
  type ServiceWorkflow,
  type WorkflowStepSpec,
} from './model.ts';

/** A form field with its property name and whether the form requires it. */
export interface FieldDef {
  key: string;
  schema: FormField;
  required: boolean;
}

/** Options every field builder takes. */
export interface FieldOptions {
  prefill?: PrefillPath;
  optional?: boolean;
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

const field = (key: string, type: FormField['type'], zh: string, en: string, o: FieldOptions = {}): FieldDef => {
  const schema: FormField = { type, title: zh, 'x-title-en': en };
  if (o.prefill) schema['x-prefill'] = o.prefill;
  if (o.pattern) schema.pattern = o.pattern;
  if (type === 'string' && !o.pattern) {
    schema.minLength = 1;
    schema.maxLength = o.maxLength ?? 100;
  }
  if (o.minimum !== undefined) schema.minimum = o.minimum;
  if (o.maximum !== undefined) schema.maximum = o.maximum;
  return { key, schema, required: !o.optional };
};

/** A text field (1–100 characters unless told). */
export const text = (key: string, zh: string, en: string, o?: FieldOptions) => field(key, 'string', zh, en, o);

/** A date field (`YYYY-MM-DD`). */
export const date = (key: string, zh: string, en: string, o?: FieldOptions): FieldDef => {
  const f = field(key, 'string', zh, en, { ...o, pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
  f.schema.format = 'date';
  return f;
};

/** A whole-number field (at least 0 unless told). */
export const int = (key: string, zh: string, en: string, o: FieldOptions = {}) =>
  field(key, 'integer', zh, en, { minimum: 0, ...o });

/** A decimal field (at least 0 unless told). */
export const num = (key: string, zh: string, en: string, o: FieldOptions = {}) =>
  field(key, 'number', zh, en, { minimum: 0, ...o });

/** A yes/no field. */
export const yes = (key: string, zh: string, en: string, o?: FieldOptions) => field(key, 'boolean', zh, en, o);

/** A choice among labelled options, each `[value, zh, en]`. */
export const pick = (key: string, zh: string, en: string, options: [string, string, string][], o?: FieldOptions) => {
  const f = field(key, 'string', zh, en, o);
  delete f.schema.minLength;
  delete f.schema.maxLength;
  f.schema.oneOf = options.map(([value, ozh, oen]): FormOption => ({ const: value, title: ozh, 'x-title-en': oen }));
  return f;
};

/** A choice of one or more labelled options, each `[value, zh, en]`. */
export const many = (key: string, zh: string, en: string, options: [string, string, string][]): FieldDef => {
  const item = pick(key, zh, en, options).schema;
  return { key, schema: { type: 'array', title: zh, 'x-title-en': en, minItems: 1, items: item }, required: true };
};

/** A list of small objects (e.g. shareholders), at least one. */
export const list = (key: string, zh: string, en: string, item: [string, string], fields: FieldDef[]): FieldDef => {
  const items: FormObject = {
    type: 'object',
    title: item[0],
    'x-title-en': item[1],
    properties: Object.fromEntries(fields.map((f) => [f.key, f.schema])),
    required: fields.filter((f) => f.required).map((f) => f.key),
    additionalProperties: false,
  };
  return { key, schema: { type: 'array', title: zh, 'x-title-en': en, minItems: 1, items }, required: true };
};

/** The same field under another name, or with other options. */
export const as = (f: FieldDef, key: string, zh?: string, en?: string, o: FieldOptions = {}): FieldDef => {
  const schema: FormField = { ...f.schema };
  if (zh) schema.title = zh;
  if (en) schema['x-title-en'] = en;
  if (o.prefill) schema['x-prefill'] = o.prefill;
  if ('prefill' in o && !o.prefill) delete schema['x-prefill'];
  return { key, schema, required: o.optional === undefined ? f.required : !o.optional };
};

/** The same field, not required. */
export const opt = (f: FieldDef): FieldDef => ({ ...f, required: false });

/** Builds a form; property order is field order. */
export function form(title: { zh: string; en: string }, fields: FieldDef[]): FormSchema {
  const keys = new Set<string>();
  for (const f of fields) {
    if (keys.has(f.key)) throw new Error(`form ${title.en}: field ${f.key} twice`);
    keys.add(f.key);
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    title: title.zh,
    'x-title-en': title.en,
    properties: Object.fromEntries(fields.map((f) => [f.key, f.schema])),
    required: fields.filter((f) => f.required).map((f) => f.key),
    additionalProperties: false,
  };
}

const ID_PATTERN = '^\\d{17}[\\dX]$';
const PHONE_PATTERN = '^1\\d{10}$';
const USCC_PATTERN = '^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$';

/** Fields many forms share. */
export const F = {
  name: text('applicantName', '申请人姓名', "Applicant's name", { prefill: 'profile.name', maxLength: 50 }),
  nationalId: text('nationalId', '公民身份号码', 'National ID number', {
    prefill: 'profile.nationalId',
    pattern: ID_PATTERN,
  }),
  phone: text('phone', '联系电话', 'Phone number', { prefill: 'profile.phone', pattern: PHONE_PATTERN }),
  email: text('email', '电子邮箱', 'Email', { prefill: 'profile.email', optional: true, maxLength: 254 }),
  address: text('address', '居住地址', 'Home address', { prefill: 'profile.address', maxLength: 200 }),
  householdAddress: text('householdAddress', '户籍地址', 'Address of household registration', {
    prefill: 'profile.householdAddress',
    maxLength: 200,
  }),
  gender: pick(
    'gender',
    '性别',
    'Sex',
    [
      ['male', '男', 'Male'],
      ['female', '女', 'Female'],
    ],
    { prefill: 'profile.gender' },
  ),
  birthDate: date('birthDate', '出生日期', 'Date of birth', { prefill: 'profile.birthDate' }),
  enterpriseName: text('enterpriseName', '单位名称', 'Name of the organisation', {
    prefill: 'enterprise.name',
    maxLength: 200,
  }),
  uscc: text('uscc', '统一社会信用代码', 'Unified social credit code', {
    prefill: 'enterprise.uscc',
    pattern: USCC_PATTERN,
  }),
  legalRep: text('legalRepresentative', '法定代表人（负责人）', 'Legal representative', {
    prefill: 'enterprise.legalRepresentative',
    maxLength: 50,
  }),
  enterpriseAddress: text('enterpriseAddress', '住所', 'Registered address', {
    prefill: 'enterprise.address',
    maxLength: 200,
  }),
  contactName: text('contactName', '联系人', 'Contact person', { prefill: 'enterprise.contactName', maxLength: 50 }),
  contactPhone: text('contactPhone', '联系人电话', "Contact person's phone", {
    prefill: 'enterprise.contactPhone',
    pattern: PHONE_PATTERN,
  }),
  premisesAddress: text('premisesAddress', '经营场所地址', 'Address of the premises', { maxLength: 200 }),
  floorArea: num('floorArea', '建筑面积（平方米）', 'Floor area (square metres)', { minimum: 1 }),
  delivery: pick('delivery', '证照领取方式', 'How to receive the certificate', [
    ['electronic', '仅电子证照', 'E-certificate only'],
    ['post', '邮寄送达（免费）', 'By post (free)'],
    ['counter', '窗口领取', 'Collect at the counter'],
  ]),
  bankName: text('bankName', '开户银行', 'Bank', { maxLength: 100 }),
  bankAccount: text('bankAccount', '银行账号', 'Bank account number', { pattern: '^\\d{12,19}$' }),
  reason: text('reason', '申请事由', 'Reason for the application', { maxLength: 500 }),
  propertyAddress: text('propertyAddress', '不动产坐落', 'Address of the property', { maxLength: 200 }),
  certificateNumber: text('certificateNumber', '证书编号', 'Certificate number', { maxLength: 60 }),
  projectName: text('projectName', '项目名称', 'Project name', { maxLength: 200 }),
  projectAddress: text('projectAddress', '项目地址', 'Project address', { maxLength: 200 }),
  plate: text('plateNumber', '号牌号码', 'Licence plate number', { pattern: '^[\\u4e00-\\u9fa5][A-Z][A-Z0-9]{5,6}$' }),
  personId: text('idNumber', '公民身份号码', 'National ID number', { pattern: ID_PATTERN }),
  personName: text('personName', '姓名', 'Name', { maxLength: 50 }),
  relationToDeceased: pick('relationship', '与逝者关系', 'Relationship to the deceased', [
    ['spouse', '配偶', 'Spouse'],
    ['child', '子女', 'Child'],
    ['parent', '父母', 'Parent'],
    ['other', '其他近亲属', 'Other close relative'],
  ]),
  deceasedName: text('deceasedName', '逝者姓名', 'Name of the deceased', { maxLength: 50 }),
  deceasedId: text('deceasedIdNumber', '逝者公民身份号码', 'National ID number of the deceased', {
    pattern: ID_PATTERN,
  }),
  dateOfDeath: date('dateOfDeath', '死亡日期', 'Date of death'),
} satisfies Record<string, FieldDef>;

/** A citizen applicant: name, national ID, phone. */
export const PERSON: FieldDef[] = [F.name, F.nationalId, F.phone];

/** An enterprise applicant: name, credit code, legal representative, contact. */
export const ENTERPRISE: FieldDef[] = [F.enterpriseName, F.uscc, F.legalRep, F.contactName, F.contactPhone];

const certificateNames = new Map(demoCertificateTypes.map((c) => [c.code, c.name]));

const material = (code: string, zh: string, en: string, kind: MaterialKind, heldBy?: string): ServiceMaterial => {
  if (heldBy && !certificateNames.has(heldBy)) throw new Error(`material ${code}: unknown certificate type ${heldBy}`);
  return { code, name: { zh, en }, kind, ...(heldBy ? { heldBy } : {}) };
};

/** A part of the application filled in online (申请表, 承诺书). */
export const formDoc = (code: string, zh: string, en: string) => material(code, zh, en, 'form');

/** A file the applicant uploads. */
export const upload = (code: string, zh: string, en: string) => material(code, zh, en, 'upload');

/** A certificate; with `heldBy`, one the city already holds and attaches by reference. */
export const cert = (code: string, zh: string, en: string, heldBy?: string) =>
  material(code, zh, en, 'certificate', heldBy);

/** An identity document of someone taking part (the city holds every resident identity card). */
export const idDoc = (code: string, zh: string, en: string) => material(code, zh, en, 'id', 'resident-id-card');

/** The same material, needed only when it applies. */
export const maybe = (m: ServiceMaterial): ServiceMaterial => ({ ...m, optional: true });

/** The same material, belonging to another party than the applicant. */
export const theirs = (m: ServiceMaterial): ServiceMaterial => ({ ...m, otherParty: true });

/** Materials many services ask for. */
export const M = {
  application: formDoc('application-form', '申请表', 'Application form'),
  commitment: formDoc('commitment', '告知承诺书', 'Declaration of compliance (notify-and-commit)'),
  idCard: idDoc('id-card', '申请人居民身份证', "Applicant's resident identity card"),
  legalRepId: idDoc('legal-rep-id-card', '法定代表人身份证件', "Legal representative's identity card"),
  agentId: maybe(idDoc('agent-id-card', '经办人身份证件', "Agent's identity card")),
  householdRegister: cert('household-register', '居民户口簿', 'Household register', 'household-register'),
  residencePermit: cert('residence-permit', '居住证', 'Residence permit', 'residence-permit'),
  businessLicence: cert('business-licence', '营业执照', 'Business licence', 'business-licence'),
  marriageCertificate: cert('marriage-certificate', '结婚证', 'Marriage certificate', 'marriage-certificate'),
  birthCertificate: cert(
    'birth-medical-certificate',
    '出生医学证明',
    'Birth medical certificate',
    'birth-medical-certificate',
  ),
  deathCertificate: cert(
    'death-medical-certificate',
    '居民死亡医学证明（推断）书',
    'Medical certificate of death',
    'death-medical-certificate',
  ),
  realEstateCertificate: cert(
    'real-estate-certificate',
    '不动产权证书',
    'Real estate title certificate',
    'real-estate-certificate',
  ),
  socialSecurityCard: cert('social-security-card', '社会保障卡', 'Social security card', 'social-security-card'),
  drivingLicence: cert('driving-licence', '机动车驾驶证', 'Driving licence', 'driving-licence'),
  vehicleRegistration: cert(
    'vehicle-registration-certificate',
    '机动车登记证书',
    'Motor vehicle registration certificate',
    'vehicle-registration-certificate',
  ),
  photo: upload('photo', '近期免冠彩色证件照（电子版）', 'Recent colour passport-style photo (digital)'),
  premisesProof: upload(
    'premises-proof',
    '经营场所使用证明（产权证明或租赁合同）',
    'Proof of the right to use the premises (title or lease)',
  ),
  layoutPlan: upload('layout-plan', '经营场所平面布局图', 'Floor plan of the premises'),
  bankCard: upload(
    'bank-card',
    '本人银行卡（社保卡金融账户）信息',
    'Bank card (or social security card account) details',
  ),
  leaseContract: upload('lease-contract', '房屋租赁合同', 'Housing lease'),
  powerOfAttorney: maybe(upload('power-of-attorney', '授权委托书', 'Power of attorney')),
  safetyRules: upload('safety-rules', '安全管理制度和操作规程', 'Safety management rules and operating procedures'),
  staffQualifications: upload('staff-qualifications', '专业技术人员资格证明', 'Qualifications of technical staff'),
  projectApproval: upload('project-approval', '项目立项（备案）文件', 'Project approval or filing'),
  drawings: upload('drawings', '设计图纸', 'Design drawings'),
} satisfies Record<string, ServiceMaterial>;

/** How a service's workflow runs: a definition plus, for some, the other departments involved. */
export type Flow = 'instant' | 'approve' | 'review' | 'inspect' | { relay: string } | { countersign: string[] };

const departmentShort = new Map(demoDepartments.map((d) => [d.code, d.short]));
const definitions = new Map(demoWorkflowDefinitions.map((d) => [d.code, d]));

const stepOf = (definition: string, code: string, departmentCode: string, parallelGroup?: string): WorkflowStepSpec => {
  const template = definitions.get(definition)?.steps.find((s) => s.code === code);
  const short = departmentShort.get(departmentCode);
  if (!template || !short) throw new Error(`workflow ${definition}: no step ${code} in ${departmentCode}`);
  const name =
    template.department === 'other'
      ? { zh: `${template.name.zh}（${short.zh}）`, en: `${template.name.en} (${short.en})` }
      : template.name;
  const out: WorkflowStepSpec = {
    code: template.department === 'other' ? `${code}-${departmentCode}` : code,
    name,
    departmentCode,
    role: template.role,
  };
  if (parallelGroup) out.parallelGroup = parallelGroup;
  return out;
};

/** Expands a flow into the workflow of a service run by `departmentCode`. */
export function workflow(flow: Flow, departmentCode: string): ServiceWorkflow {
  const simple = {
    instant: 'instant',
    approve: 'accept-decide',
    review: 'accept-examine-decide',
    inspect: 'accept-inspect-decide',
  };
  if (typeof flow === 'string') {
    const code = simple[flow];
    const steps = definitions.get(code)?.steps ?? [];
    return { code, steps: steps.map((s) => stepOf(code, s.code, departmentCode)) };
  }
  if ('relay' in flow) {
    const code = 'decide-then-register';
    return {
      code,
      steps: [
        stepOf(code, 'accept', departmentCode),
        stepOf(code, 'decide', departmentCode),
        stepOf(code, 'register', flow.relay),
      ],
    };
  }
  const code = 'countersign-decide';
  return {
    code,
    steps: [
      stepOf(code, 'accept', departmentCode),
      ...flow.countersign.map((d) => stepOf(code, 'countersign', d, 'countersign')),
      stepOf(code, 'decide', departmentCode),
    ],
  };
}

/** The compact way a data file writes a service; `service()` expands it. */
export interface ServiceDraft {
  code: string;
  name: [string, string];
  audience: Audience;
  themes: string[];
  events?: string[];
  summary: [string, string];
  eligibility: [string, string];
  materials: ServiceMaterial[];
  fields: FieldDef[];
  /** [legal, promised] working days. */
  days: [number, number];
  /** Fee in fen, optionally with a note `[fen, zh, en]`. */
  fee?: number | [number, string, string];
  /** Present when one visit is needed: why. */
  visit?: [string, string];
  /** Defaults to true. */
  online?: boolean;
  /** Defaults to 'approve'. */
  flow?: Flow;
  /** Certificate type issued, optionally with its validity in years. */
  issues?: string | [string, number];
}

/** Expands the drafts of one department into services. */
export function department(departmentCode: string, drafts: ServiceDraft[]): ServiceSpec[] {
  return drafts.map((d) => service(departmentCode, d));
}

/** Expands one draft into a service. */
export function service(departmentCode: string, d: ServiceDraft): ServiceSpec {
  const name = { zh: d.name[0], en: d.name[1] };
  const out: ServiceSpec = {
    code: d.code,
    name,
    departmentCode,
    audience: d.audience,
    themes: d.themes,
    lifeEvents: d.events ?? [],
    summary: { zh: d.summary[0], en: d.summary[1] },
    materials: d.materials,
    fee:
      typeof d.fee === 'object'
        ? { amountFen: d.fee[0], note: { zh: d.fee[1], en: d.fee[2] } }
        : { amountFen: d.fee ?? 0 },
    legalDays: d.days[0],
    promisedDays: d.days[1],
    visits: d.visit ? 1 : 0,
    online: d.online ?? true,
    eligibility: { zh: d.eligibility[0], en: d.eligibility[1] },
    form: form({ zh: `${name.zh}申请表`, en: `Application: ${name.en}` }, d.fields),
    workflow: workflow(d.flow ?? 'approve', departmentCode),
  };
  if (d.visit) out.visitReason = { zh: d.visit[0], en: d.visit[1] };
  if (typeof d.issues === 'string') out.issues = issued(d.issues);
  else if (d.issues) out.issues = issued(d.issues[0], d.issues[1]);
  return out;
}

/** The certificate a service issues, named after its type. */
export function issued(certificateType: string, validityYears?: number): IssuedCertificate {
  const name = certificateNames.get(certificateType);
  if (!name) throw new Error(`unknown certificate type ${certificateType}`);
  return { certificateType, name, ...(validityYears ? { validityYears } : {}) };
}
