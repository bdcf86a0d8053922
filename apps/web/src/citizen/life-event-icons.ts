/**
 * Which antd-mobile icon stands for each life event. The icons are drawn from one SVG sprite
 * (public/icons/life-events.svg, made by scripts/make-icons.ts), not bundled as components: as
 * JavaScript they would weigh about 19 KB gzipped on the home page.
 */
export const LIFE_EVENT_ICONS: Record<string, string> = {
  birth: 'SmileOutline',
  adoption: 'HeartOutline',
  'school-entry': 'EditSOutline',
  graduation: 'FlagOutline',
  employment: 'UserAddOutline',
  unemployment: 'UserSetOutline',
  'work-injury': 'ExclamationShieldOutline',
  marriage: 'GiftOutline',
  'moving-here': 'EnvironmentOutline',
  'renting-home': 'KeyOutline',
  'buying-home': 'BankcardOutline',
  'car-ownership': 'TruckOutline',
  'travel-abroad': 'TravelOutline',
  'keeping-a-dog': 'StarOutline',
  illness: 'AddCircleOutline',
  hardship: 'HandPayCircleOutline',
  retirement: 'ClockCircleOutline',
  'old-age': 'TeamOutline',
  death: 'CalendarOutline',
  'lost-documents': 'UserContactOutline',
  'starting-a-business': 'ShopbagOutline',
  'running-a-business': 'CollectMoneyOutline',
  'opening-a-restaurant': 'ShopbagOutline',
  'opening-a-shop': 'ShopbagOutline',
  'opening-a-pharmacy': 'AddCircleOutline',
  'opening-a-hotel': 'KeyOutline',
  'opening-a-clinic': 'AddCircleOutline',
  'opening-a-venue': 'StarOutline',
  hiring: 'UserAddOutline',
  'transport-business': 'TruckOutline',
  farming: 'EnvironmentOutline',
  'construction-project': 'BillOutline',
  'business-change': 'EditSOutline',
  'business-closure': 'CloseCircleOutline',
};

/** The sprite's symbol for codes without an icon of their own. */
export const GENERIC_ICON = 'AppOutline';

/** Where the sprite is served. */
export const LIFE_EVENT_SPRITE = '/icons/life-events.svg';
