import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { maskContactDetails, publicLocation } from './privacy.ts';

describe('maskContactDetails', () => {
  it('masks mobile numbers however they are written', () => {
    expect(maskContactDetails('请联系我13812345678谢谢')).toBe('请联系我***********谢谢');
    expect(maskContactDetails('call 138 1234 5678 please')).toBe('call *** **** **** please');
    expect(maskContactDetails('电话：138-1234-5678。')).toBe('电话：***-****-****。');
    expect(maskContactDetails('+86 138 1234 5678')).toBe('+** *** **** ****');
    expect(maskContactDetails('手机１３８１２３４５６７８')).toBe('手机***********');
  });

  it('masks landlines and ID numbers, including the check letter', () => {
    expect(maskContactDetails('座机 020-88886666')).toBe('座机 ***-********');
    expect(maskContactDetails('(020) 8888 6666')).toBe('(***) **** ****');
    expect(maskContactDetails('身份证440101199001011234')).toBe('身份证******************');
    expect(maskContactDetails('ID 44010119900101123X ok')).toBe('ID ****************** ok');
    expect(maskContactDetails('8888666')).toBe('*******');
  });

  it('masks e-mail addresses', () => {
    expect(maskContactDetails('mail me: zhang.san@example.com!')).toBe('mail me: ***@***!');
    expect(maskContactDetails('邮箱zhang@qq.com，谢谢')).toBe('邮箱***@***，谢谢');
  });

  it('leaves short numbers, dates and times alone', () => {
    const plain = '3 个井盖，2026-06-01 10:30 发现，5号楼旁，水深 30 厘米，粤A12345';
    expect(maskContactDetails(plain)).toBe(plain);
    expect(maskContactDetails('2026/6/1 与 2026.06.01')).toBe('2026/6/1 与 2026.06.01');
    expect(maskContactDetails('')).toBe('');
  });

  it('still masks a number written next to a date', () => {
    expect(maskContactDetails('2026-06-01 13812345678')).toBe('2026-06-01 ***********');
  });
});

describe('publicLocation', () => {
  it('rounds ordinary locations to about 10 m', () => {
    expect(publicLocation(23.129123, 113.264456, false)).toEqual({ lat: 23.1291, lon: 113.2645 });
  });

  it('moves sensitive locations to the centre of their resolution-7 cell', () => {
    const [lat, lon] = cellToLatLng(latLngToCell(23.129123, 113.264456, 7));
    const shown = publicLocation(23.129123, 113.264456, true);
    expect(shown.lat).toBeCloseTo(lat, 5);
    expect(shown.lon).toBeCloseTo(lon, 5);
    // Two points of the same cell look the same.
    expect(publicLocation(23.1292, 113.2645, true)).toEqual(shown);
  });
});
