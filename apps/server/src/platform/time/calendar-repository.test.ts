import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/db.ts';
import { insertTenants } from '../tenancy/repository.ts';
import { calendarFor, deleteCalendarDay, listCalendarDays, saveCalendarDay } from './calendar-repository.ts';
import { InvalidCivilDateError } from './civil-date.ts';
import { UncoveredYearError } from './working-days.ts';

const typhoon = { zh: '台风停工', en: 'Typhoon closure' };
const center = { lat: 23.1, lon: 113.3 };

describeEachDialect('a city’s working calendar in the database', (ctx) => {
  beforeAll(async () => {
    await insertTenants(ctx.handle().db, [
      {
        id: 'nanling',
        kind: 'province',
        parentId: null,
        adminCode: '990000',
        nameZh: '南岭省',
        nameEn: 'Nanling',
        timeZone: 'Asia/Shanghai',
        center,
      },
      {
        id: 'haicheng',
        kind: 'city',
        parentId: 'nanling',
        adminCode: '990100',
        nameZh: '海城',
        nameEn: 'Haicheng',
        timeZone: 'Asia/Shanghai',
        center,
      },
      {
        id: 'shancheng',
        kind: 'city',
        parentId: 'nanling',
        adminCode: '990200',
        nameZh: '山城',
        nameEn: 'Shancheng',
        timeZone: 'Asia/Urumqi',
        center,
      },
    ]);
  });

  it('merges the city’s days with the national data, for that city only', async () => {
    const db = ctx.handle().db;
    await saveCalendarDay(db, 'haicheng', { date: '2025-09-24', kind: 'off', name: typhoon });
    await saveCalendarDay(db, 'haicheng', {
      date: '2025-09-27',
      kind: 'work',
      name: { zh: '补班', en: 'Make-up day' },
    });
    expect(await listCalendarDays(db, 'haicheng')).toEqual([
      { date: '2025-09-24', kind: 'off', name: typhoon },
      { date: '2025-09-27', kind: 'work', name: { zh: '补班', en: 'Make-up day' } },
    ]);
    const haicheng = await calendarFor(db, 'haicheng');
    expect(haicheng?.addWorkingDays('2025-09-22', 2)).toBe('2025-09-25');
    expect(haicheng?.addWorkingDays('2025-09-25', 2)).toBe('2025-09-27');
    expect(haicheng?.isWorkingDay('2025-10-01')).toBe(false); // national data still there
    const shancheng = await calendarFor(db, 'shancheng');
    expect(shancheng?.addWorkingDays('2025-09-22', 2)).toBe('2025-09-24');
    expect(shancheng?.timeZone).toBe('Asia/Urumqi');
  });

  it('replaces a day recorded twice and gives a deleted day back to the national calendar', async () => {
    const db = ctx.handle().db;
    await saveCalendarDay(db, 'shancheng', { date: '2025-07-01', kind: 'off', name: typhoon });
    await saveCalendarDay(db, 'shancheng', { date: '2025-07-01', kind: 'work', name: typhoon });
    expect(await listCalendarDays(db, 'shancheng')).toEqual([{ date: '2025-07-01', kind: 'work', name: typhoon }]);
    expect(await deleteCalendarDay(db, 'shancheng', '2025-07-01')).toBe(true);
    expect(await deleteCalendarDay(db, 'shancheng', '2025-07-01')).toBe(false);
    expect(await listCalendarDays(db, 'shancheng')).toEqual([]);
  });

  it('passes the coverage policy through and knows no unknown city', async () => {
    const db = ctx.handle().db;
    const strict = await calendarFor(db, 'haicheng', { outsideCoverage: 'throw' });
    expect(() => strict?.isWorkingDay('2027-01-01')).toThrow(UncoveredYearError);
    expect(await calendarFor(db, 'atlantis')).toBeNull();
    await expect(saveCalendarDay(db, 'haicheng', { date: '2025-02-30', kind: 'off', name: typhoon })).rejects.toThrow(
      InvalidCivilDateError,
    );
  });
});
