/** The queue on the city map: overdue work orders in red, each opening the work order; a list beside for keyboards. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Category, WorkOrderItem } from '../../shared/api/staff.ts';
import { pick } from '../../shared/format.ts';
import { CityMap, type MapPoint } from '../../shared/map/CityMap.tsx';
import { useSettings } from '../../shared/settings.ts';
import { Countdown, nextDue } from '../ui.tsx';

/** The work orders of the queue on a map. */
export function QueueMap({
  items,
  categories,
  onOpen,
}: {
  items: WorkOrderItem[];
  categories: Category[] | undefined;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const name = (code: string) => {
    const category = categories?.find((c) => c.code === code);
    return category ? pick(language, category.nameZh, category.nameEn) : code;
  };
  const now = Date.now();
  const points: MapPoint[] = items.map((item) => {
    const due = nextDue(item);
    const overdue = due ? new Date(due.at).getTime() < now : false;
    const done = ['resolved', 'closed', 'invalid', 'merged'].includes(item.status);
    return {
      id: item.id,
      lng: item.lon,
      lat: item.lat,
      label: `${name(item.categoryCode)} ${item.trackingNo ?? ''}`.trim(),
      tone: done ? 'done' : overdue || item.priority === 'urgent' ? 'urgent' : 'default',
    };
  });
  return (
    <div className="queue-map">
      <CityMap
        key={language}
        label={t('queue.mapLabel')}
        points={points}
        onPointClick={onOpen}
        height="min(60vh, 560px)"
      />
      <ol className="queue-map__list" aria-label={t('queue.mapList')}>
        {items.map((item) => {
          const due = nextDue(item);
          return (
            <li key={item.id}>
              <Link to={`/staff/work-orders/${item.id}`}>{name(item.categoryCode)}</Link>
              <span className="staff-weak"> {item.trackingNo}</span>
              {due ? (
                <>
                  {' '}
                  <Countdown at={due.at} kind={due.kind} compact />
                </>
              ) : null}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
