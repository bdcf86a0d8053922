/**
 * Bundles (一件事一次办): services a life event brings, applied for together with one shared
 * form. A shared field's schema is copied from the first member field it fills, so the two
 * cannot drift apart; the test checks every member's required fields are filled by the shared
 * form, a preset or a pre-fill.
 *
 * How an application runs a bundle: members run in the listed order; a mapped member field takes
 * the shared value (pre-fill applies only to unmapped fields); presets are fixed values; a
 * certificate one member issues is attached by reference to the later members that need it
 * (the restaurant's business licence to its food business permit and fire safety check).
 */
import type { Names } from '../cities.ts';
import { type FieldDef, form } from './build.ts';
import { demoServices } from './catalog.ts';
import type { BundleSpec, FormField, PrefillPath } from './model.ts';

const byCode = new Map(demoServices.map((s) => [s.code, s]));

/** Options of a shared field. */
interface SharedOptions {
  title?: [string, string];
  optional?: boolean;
  prefill?: PrefillPath;
  /** Keep only these option values (the bundle narrows a choice). */
  only?: string[];
}

/**
 * A shared field named `key` filling each target: `service` (a field of the same name) or
 * `service.field`. Its schema is the first target's.
 */
function shared(key: string, targets: string[], o: SharedOptions = {}): FieldDef {
  const mapsTo: Record<string, string> = {};
  let schema: FormField | undefined;
  let required = false;
  for (const target of targets) {
    const [serviceCode = '', field = key] = target.split('.');
    const member = byCode.get(serviceCode);
    const memberField = member?.form.properties[field];
    if (!member || !memberField) throw new Error(`shared field ${key}: no field ${field} in ${serviceCode}`);
    mapsTo[serviceCode] = field;
    schema ??= structuredClone(memberField);
    required ||= member.form.required.includes(field);
  }
  if (!schema) throw new Error(`shared field ${key}: no targets`);
  delete schema['x-prefill'];
  if (o.prefill) schema['x-prefill'] = o.prefill;
  if (o.title) [schema.title, schema['x-title-en']] = o.title;
  if (o.only) schema.oneOf = schema.oneOf?.filter((option) => o.only?.includes(option.const));
  schema['x-maps-to'] = mapsTo;
  return { key, schema, required: o.optional ? false : required };
}

/** The compact way a bundle is written. */
interface BundleDraft {
  code: string;
  name: [string, string];
  summary: [string, string];
  lifeEvent: string;
  services: string[];
  fields: FieldDef[];
  presets?: BundleSpec['presets'];
}

function bundle(d: BundleDraft): BundleSpec {
  const name: Names = { zh: d.name[0], en: d.name[1] };
  for (const code of d.services) if (!byCode.has(code)) throw new Error(`bundle ${d.code}: no service ${code}`);
  return {
    code: d.code,
    name,
    summary: { zh: d.summary[0], en: d.summary[1] },
    lifeEvent: d.lifeEvent,
    services: d.services,
    sharedForm: form({ zh: `${name.zh}联办申请表`, en: `Joint application: ${name.en}` }, d.fields),
    ...(d.presets ? { presets: d.presets } : {}),
  };
}

const ESTABLISH = 'enterprise-establishment';
const FOOD = 'food-business-permit';
const FIRE = 'fire-safety-check-before-opening';

/** The company fields of a bundle that starts by registering a company. */
const newCompany = [
  shared('companyName', [ESTABLISH]),
  shared('companyType', [ESTABLISH]),
  shared('registeredCapital', [ESTABLISH]),
  shared('businessScope', [ESTABLISH]),
  shared('shareholders', [ESTABLISH]),
];
const signName = shared('signName', [`${FIRE}.venueName`], { title: ['店铺招牌名称', 'Name on the shop sign'] });

/** The demo city's bundles. */
export const demoBundles: BundleSpec[] = [
  bundle({
    code: 'open-a-restaurant',
    name: ['开餐馆一件事', 'Open a restaurant'],
    summary: [
      '一次填报，依次办结公司设立登记、食品经营许可和公众聚集场所营业前消防安全检查；营业执照核发后自动用于后两项，无需再次提交。',
      'One form registers the company, then obtains the food business permit and the fire safety check before opening; the new business licence is attached to the last two automatically.',
    ],
    lifeEvent: 'opening-a-restaurant',
    services: [ESTABLISH, FOOD, FIRE],
    fields: [
      ...newCompany,
      shared('premisesAddress', [`${FOOD}.premisesAddress`, `${ESTABLISH}.companyAddress`, `${FIRE}.venueAddress`]),
      signName,
      shared('businessItems', [FOOD], { only: ['prepackaged', 'hot-food', 'cold-food', 'raw-food', 'drinks'] }),
      shared('foodSafetyManager', [FOOD]),
      shared('floorArea', [FOOD, FIRE]),
      shared('maxOccupancy', [FIRE], { title: ['餐位数（最大容纳人数）', 'Seats (maximum occupancy)'] }),
      shared('promise', [FIRE]),
    ],
    presets: { [FOOD]: { businessType: 'catering' }, [FIRE]: { venueType: 'restaurant' } },
  }),
  bundle({
    code: 'start-a-business',
    name: ['开办企业一件事', 'Start a business'],
    summary: [
      '一次填报，半个工作日内完成营业执照、公章刻制（免费）、电子印章、新办纳税人套餐、社保和公积金单位登记。',
      'One form, half a working day: business licence, free company seals, e-seal, the new-taxpayer package, and social insurance and housing fund registration.',
    ],
    lifeEvent: 'starting-a-business',
    services: [
      ESTABLISH,
      'seal-engraving-filing',
      'enterprise-e-seal',
      'new-taxpayer-package',
      'employer-insurance-registration',
      'fund-employer-registration',
    ],
    fields: [
      ...newCompany,
      shared('companyAddress', [ESTABLISH]),
      shared('sealSet', ['seal-engraving-filing']),
      shared('sealMaker', ['seal-engraving-filing']),
      shared('vatTaxpayerType', ['new-taxpayer-package']),
      shared('taxOfficerName', ['new-taxpayer-package'], { prefill: 'profile.name' }),
      shared('taxOfficerPhone', ['new-taxpayer-package'], { prefill: 'profile.phone' }),
      shared('bankName', ['new-taxpayer-package', 'employer-insurance-registration', 'fund-employer-registration'], {
        title: ['基本存款账户开户银行', 'Bank of the basic account'],
      }),
      shared('bankAccount', ['new-taxpayer-package', 'employer-insurance-registration', 'fund-employer-registration'], {
        title: ['基本存款账户账号', 'Basic account number'],
      }),
      shared('contributionRate', ['fund-employer-registration']),
    ],
  }),
  bundle({
    code: 'newborn',
    name: ['新生儿出生一件事', 'Welcome a newborn'],
    summary: [
      '一次申请，办结出生医学证明、户口登记、城乡居民医保参保、社会保障卡申领和预防接种证；出生医学证明签发后自动用于其余各项。',
      'One application covers the birth certificate, household registration, medical insurance, the social security card and the vaccination record; the birth certificate is reused by the rest.',
    ],
    lifeEvent: 'birth',
    services: [
      'birth-medical-certificate',
      'birth-household-registration',
      'newborn-medical-insurance',
      'social-security-card-application',
      'vaccination-certificate',
    ],
    fields: [
      shared('babyName', [
        'birth-medical-certificate',
        'birth-household-registration',
        'newborn-medical-insurance',
        'social-security-card-application.holderName',
        'vaccination-certificate.childName',
      ]),
      shared('babyGender', ['birth-medical-certificate', 'birth-household-registration']),
      shared('babyBirthDate', [
        'birth-medical-certificate',
        'birth-household-registration',
        'newborn-medical-insurance',
        'vaccination-certificate.childBirthDate',
      ]),
      shared('babyIdNumber', ['newborn-medical-insurance', 'social-security-card-application.holderIdNumber'], {
        optional: true,
      }),
      shared('hospital', ['birth-medical-certificate']),
      shared('fatherName', ['birth-medical-certificate']),
      shared('fatherIdNumber', ['birth-medical-certificate']),
      shared('relationship', ['birth-household-registration']),
      shared('bank', ['social-security-card-application']),
      shared('delivery', ['birth-household-registration', 'social-security-card-application']),
    ],
  }),
  bundle({
    code: 'retire',
    name: ['退休一件事', 'Retire'],
    summary: [
      '一次申请，办结养老保险待遇申领、退休人员医保待遇核定和公积金退休提取；退休证核发后自动用于后两项。',
      'One application claims the pension, settles medical insurance for retirees and withdraws the housing fund; the retirement certificate is reused by the last two.',
    ],
    lifeEvent: 'retirement',
    services: ['retirement-approval', 'retiree-medical-benefit', 'fund-withdrawal-retirement'],
    fields: [
      shared('employerName', ['retirement-approval']),
      shared('retirementDate', ['retirement-approval', 'retiree-medical-benefit']),
      shared('retirementType', ['retirement-approval']),
      shared('fundAccountNumber', ['fund-withdrawal-retirement']),
      shared('bankName', ['retirement-approval', 'fund-withdrawal-retirement']),
      shared('bankAccount', ['retirement-approval', 'fund-withdrawal-retirement']),
    ],
  }),
  bundle({
    code: 'after-a-death',
    name: ['身后一件事', 'After a death'],
    summary: [
      '亲人离世后一次申请，办结户口注销、惠民殡葬费用减免、丧葬补助金和抚恤金、医保个人账户继承和公积金提取；死亡医学证明由系统调取。',
      'After a death, one application cancels the registration, covers funeral costs, claims the funeral grant and survivors’ pension, and passes on the medical insurance account and housing fund; the death certificate is fetched.',
    ],
    lifeEvent: 'death',
    services: [
      'death-household-cancellation',
      'funeral-subsidy',
      'funeral-grant-survivor-pension',
      'personal-account-inheritance',
      'fund-withdrawal-death',
    ],
    fields: [
      shared('relationship', [
        'death-household-cancellation',
        'funeral-subsidy',
        'funeral-grant-survivor-pension',
        'personal-account-inheritance',
        'fund-withdrawal-death',
      ]),
      shared('deceasedName', [
        'death-household-cancellation',
        'funeral-subsidy',
        'funeral-grant-survivor-pension',
        'personal-account-inheritance',
        'fund-withdrawal-death',
      ]),
      shared('deceasedIdNumber', [
        'death-household-cancellation',
        'funeral-subsidy',
        'funeral-grant-survivor-pension',
        'personal-account-inheritance',
        'fund-withdrawal-death',
      ]),
      shared('dateOfDeath', ['death-household-cancellation', 'funeral-subsidy', 'funeral-grant-survivor-pension']),
      shared('bankName', ['funeral-grant-survivor-pension', 'personal-account-inheritance', 'fund-withdrawal-death']),
      shared('bankAccount', [
        'funeral-grant-survivor-pension',
        'personal-account-inheritance',
        'fund-withdrawal-death',
      ]),
    ],
  }),
  bundle({
    code: 'buy-a-second-hand-home',
    name: ['二手房买卖一件事', 'Buy a second-hand home'],
    summary: [
      '一次申请，依次办结合同网签、交易税费、不动产转移登记、用水过户和公积金购房提取；前一项的备案证明、完税证明和新不动产权证书自动用于后续各项。',
      'One application files the contract, pays the taxes, transfers the title, moves the water account and withdraws the housing fund; each step’s certificate is reused by the next.',
    ],
    lifeEvent: 'buying-home',
    services: [
      'second-hand-contract-filing',
      'second-hand-home-tax',
      'real-estate-transfer-second-hand',
      'water-account-transfer',
      'fund-withdrawal-home-purchase',
    ],
    fields: [
      shared('sellerName', ['second-hand-contract-filing', 'real-estate-transfer-second-hand']),
      shared('sellerIdNumber', ['second-hand-contract-filing', 'real-estate-transfer-second-hand']),
      shared('propertyAddress', [
        'second-hand-contract-filing',
        'second-hand-home-tax',
        'real-estate-transfer-second-hand',
        'water-account-transfer',
        'fund-withdrawal-home-purchase',
      ]),
      shared('price', ['second-hand-contract-filing', 'second-hand-home-tax', 'real-estate-transfer-second-hand']),
      shared('escrow', ['second-hand-contract-filing']),
      shared('buildingArea', ['second-hand-home-tax']),
      shared('isFirstHome', ['second-hand-home-tax']),
      shared('certificateNumber', ['real-estate-transfer-second-hand'], {
        title: ['原不动产权证书号', 'Number of the current title certificate'],
      }),
      shared('delivery', ['real-estate-transfer-second-hand']),
      shared('waterAccountNumber', ['water-account-transfer']),
      shared('fundAccountNumber', ['fund-withdrawal-home-purchase']),
      shared('withdrawalAmount', ['fund-withdrawal-home-purchase.amount'], {
        title: ['公积金提取金额（元）', 'Housing fund withdrawal (yuan)'],
      }),
      shared('bankName', ['fund-withdrawal-home-purchase']),
      shared('bankAccount', ['fund-withdrawal-home-purchase']),
    ],
  }),
  bundle({
    code: 'open-a-hotel',
    name: ['开旅馆一件事', 'Open a hotel'],
    summary: [
      '一次填报，依次办结公司设立登记、公共场所卫生许可、营业前消防安全检查和旅馆业特种行业许可；营业执照和消防安全检查合格证自动用于后续各项。',
      'One form registers the company, then obtains the hygiene licence, the fire safety check and the special trade licence; the business licence and fire certificate are reused along the way.',
    ],
    lifeEvent: 'opening-a-hotel',
    services: [ESTABLISH, 'public-venue-hygiene-licence', FIRE, 'hotel-special-trade-licence'],
    fields: [
      ...newCompany,
      shared('premisesAddress', [
        'public-venue-hygiene-licence.premisesAddress',
        `${ESTABLISH}.companyAddress`,
        `${FIRE}.venueAddress`,
        'hotel-special-trade-licence.premisesAddress',
      ]),
      signName,
      shared('floorArea', ['public-venue-hygiene-licence', FIRE]),
      shared('maxOccupancy', [FIRE]),
      shared('rooms', ['hotel-special-trade-licence']),
      shared('beds', ['hotel-special-trade-licence']),
      shared('promise', [FIRE]),
    ],
    presets: { 'public-venue-hygiene-licence': { venueType: 'hotel' }, [FIRE]: { venueType: 'hotel' } },
  }),
  bundle({
    code: 'open-a-pharmacy',
    name: ['开药店一件事', 'Open a pharmacy'],
    summary: [
      '一次填报，依次办结公司设立登记、药品零售经营许可和第二类医疗器械经营备案。',
      'One form registers the company, then obtains the drug retail licence and files for class II medical devices.',
    ],
    lifeEvent: 'opening-a-pharmacy',
    services: [ESTABLISH, 'drug-retail-licence', 'medical-device-filing'],
    fields: [
      ...newCompany,
      shared('premisesAddress', [
        'drug-retail-licence.premisesAddress',
        `${ESTABLISH}.companyAddress`,
        'medical-device-filing.premisesAddress',
      ]),
      shared('floorArea', ['drug-retail-licence']),
      shared('pharmacistName', ['drug-retail-licence']),
    ],
  }),
  bundle({
    code: 'close-a-business',
    name: ['企业注销一件事', 'Close a business'],
    summary: [
      '一次申请，依次办结清税、社保和公积金单位注销及企业注销登记；清税证明自动用于注销登记。',
      'One application clears taxes, closes the social insurance and housing fund registrations and deregisters the company; the tax clearance is reused by the last step.',
    ],
    lifeEvent: 'business-closure',
    services: [
      'tax-clearance',
      'employer-insurance-cancellation',
      'fund-employer-cancellation',
      'enterprise-deregistration',
    ],
    fields: [
      shared('reason', [
        'enterprise-deregistration',
        'tax-clearance',
        'employer-insurance-cancellation',
        'fund-employer-cancellation',
      ]),
      shared('deregistrationType', ['enterprise-deregistration']),
    ],
  }),
];
