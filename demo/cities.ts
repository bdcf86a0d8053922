/**
 * The demo province and its two cities: fictional places at real coordinates (the Pearl River
 * Delta), so that maps drawn over real base layers look right. Names are invented but follow
 * Chinese naming practice: 区 (district) → 街道 (sub-district) → 网格 (grid).
 */

/** A name in both languages OneCity speaks. */
export interface Names {
  zh: string;
  en: string;
}

/** One district and its sub-districts (streets), by base name: suffixes are added when the map is built. */
export interface DistrictSpec {
  name: Names;
  streets: Names[];
}

/** Everything needed to generate one city. */
export interface CitySpec {
  id: string;
  adminCode: string;
  name: Names;
  center: { lat: number; lon: number };
  /** Prefix of every zone code of the city, e.g. `LN` → `LN-01-03-07`. */
  codePrefix: string;
  outline: { radiusXKm: number; radiusYKm: number; wobble: number };
  cellWidthKm: number;
  rowHeightKm: number;
  /** How many lattice cells a grid covers on average, and the fewest grids per street. */
  cellsPerGrid: number;
  minGridsPerStreet: number;
  /** Whether the first district is an old town in the middle, ringed by the others. */
  oldTownInMiddle: boolean;
  /** Districts in map order: the old town (if any) first, then clockwise from the north. */
  districts: DistrictSpec[];
}

/** The province that holds the demo cities. */
export const demoProvince = {
  id: 'yuehai',
  adminCode: '980000',
  name: { zh: '粤海省', en: 'Yuehai Province' },
  center: { lat: 22.85, lon: 113.65 },
  timeZone: 'Asia/Shanghai',
} as const;

const n = (zh: string, en: string): Names => ({ zh, en });

/** 岭南市: the main demo city, around the coordinates of central Guangzhou. */
export const lingnan: CitySpec = {
  id: 'lingnan',
  adminCode: '980100',
  name: n('岭南市', 'Lingnan City'),
  center: { lat: 23.13, lon: 113.3 },
  codePrefix: 'LN',
  outline: { radiusXKm: 14, radiusYKm: 10, wobble: 0.12 },
  cellWidthKm: 0.52,
  rowHeightKm: 0.45,
  cellsPerGrid: 5.5,
  minGridsPerStreet: 5,
  oldTownInMiddle: true,
  districts: [
    {
      name: n('云秀', 'Yunxiu'),
      streets: [
        n('东湖', 'Donghu'),
        n('西关', 'Xiguan'),
        n('南亭', 'Nanting'),
        n('华乐', 'Huale'),
        n('文德', 'Wende'),
        n('大塘', 'Datang'),
      ],
    },
    {
      name: n('白鹤', 'Baihe'),
      streets: [
        n('同德', 'Tongde'),
        n('京溪', 'Jingxi'),
        n('永兴', 'Yongxing'),
        n('松洲', 'Songzhou'),
        n('景云', 'Jingyun'),
        n('新和', 'Xinhe'),
      ],
    },
    {
      name: n('天元', 'Tianyuan'),
      streets: [
        n('石岗', 'Shigang'),
        n('龙口', 'Longkou'),
        n('棠溪', 'Tangxi'),
        n('员岭', 'Yuanling'),
        n('车湖', 'Chehu'),
        n('五桂', 'Wugui'),
        n('林苑', 'Linyuan'),
      ],
    },
    {
      name: n('东江', 'Dongjiang'),
      streets: [
        n('鱼珠', 'Yuzhu'),
        n('文冲', 'Wenchong'),
        n('大沙', 'Dasha'),
        n('红山', 'Hongshan'),
        n('萝峰', 'Luofeng'),
      ],
    },
    {
      name: n('珠岛', 'Zhudao'),
      streets: [
        n('赤沙', 'Chisha'),
        n('新滘', 'Xinjiao'),
        n('昌乐', 'Changle'),
        n('江南', 'Jiangnan'),
        n('素馨', 'Suxin'),
        n('琶湾', 'Pawan'),
      ],
    },
    {
      name: n('凤岭', 'Fengling'),
      streets: [
        n('市桥', 'Shiqiao'),
        n('钟湖', 'Zhonghu'),
        n('大石', 'Dashi'),
        n('洛溪', 'Luoxi'),
        n('石楼', 'Shilou'),
      ],
    },
    {
      name: n('荔湖', 'Lihu'),
      streets: [
        n('多宝', 'Duobao'),
        n('彩虹', 'Caihong'),
        n('金花', 'Jinhua'),
        n('桥中', 'Qiaozhong'),
        n('茶滘', 'Chajiao'),
        n('冲口', 'Chongkou'),
      ],
    },
  ],
};

/** 南湾市: a smaller second city, around the coordinates of central Shenzhen. */
export const nanwan: CitySpec = {
  id: 'nanwan',
  adminCode: '980300',
  name: n('南湾市', 'Nanwan City'),
  center: { lat: 22.54, lon: 114.05 },
  codePrefix: 'NW',
  outline: { radiusXKm: 6.5, radiusYKm: 4.2, wobble: 0.1 },
  cellWidthKm: 0.52,
  rowHeightKm: 0.45,
  cellsPerGrid: 22,
  minGridsPerStreet: 3,
  oldTownInMiddle: false,
  districts: [
    { name: n('鹏湾', 'Pengwan'), streets: [n('莲峰', 'Lianfeng'), n('香榭', 'Xiangxie')] },
    { name: n('福港', 'Fugang'), streets: [n('沙尾', 'Shawei'), n('梅岭', 'Meiling')] },
  ],
};

/** The demo cities, main city first. */
export const demoCities: CitySpec[] = [lingnan, nanwan];
