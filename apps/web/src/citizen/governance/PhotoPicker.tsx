/**
 * Photos of the problem: taken with the camera or chosen from the album, each uploaded at once
 * with its progress shown, removable, and retried when an upload fails. The server strips the
 * photos' metadata (location, camera) before anyone sees them.
 */
import { AddOutline, CameraOutline, CloseOutline, PictureOutline } from 'antd-mobile-icons';
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PHOTOS, uploadPhoto } from '../../shared/api/reports.ts';
import { useErrorMessage } from '../../shared/ui/states.tsx';

/** One photo of the form. */
export interface PhotoItem {
  key: string;
  file: File;
  preview: string;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  uploadId?: string;
  error?: unknown;
}

let counter = 0;

/** The photo part of the report form; `items` is owned by the form. */
export function PhotoPicker({
  items,
  setItems,
  describedBy,
}: {
  items: PhotoItem[];
  setItems: (update: (items: PhotoItem[]) => PhotoItem[]) => void;
  describedBy?: string;
}) {
  const { t } = useTranslation('governance');
  const errorMessage = useErrorMessage();
  const ids = { camera: useId(), album: useId() };
  const controllers = useRef(new Map<string, AbortController>());
  const full = items.length >= MAX_PHOTOS;

  // Previews are object URLs: release them when the form goes.
  const latest = useRef(items);
  latest.current = items;
  useEffect(
    () => () => {
      for (const item of latest.current) URL.revokeObjectURL(item.preview);
      for (const controller of controllers.current.values()) controller.abort();
    },
    [],
  );

  const update = (key: string, change: Partial<PhotoItem>) =>
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const start = (item: PhotoItem) => {
    const controller = new AbortController();
    controllers.current.set(item.key, controller);
    uploadPhoto(item.file, (progress) => update(item.key, { progress }), controller.signal)
      .then((upload) => update(item.key, { state: 'done', uploadId: upload.id, progress: 1 }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        update(item.key, { state: 'failed', error });
      })
      .finally(() => controllers.current.delete(item.key));
  };

  const add = (files: FileList | null) => {
    if (!files) return;
    const room = MAX_PHOTOS - items.length;
    const added = Array.from(files)
      .slice(0, room)
      .map((file): PhotoItem => {
        counter += 1;
        return {
          key: `photo-${counter}`,
          file,
          preview: URL.createObjectURL(file),
          progress: 0,
          state: 'uploading',
        };
      });
    setItems((list) => [...list, ...added]);
    for (const item of added) start(item);
  };

  const remove = (item: PhotoItem) => {
    controllers.current.get(item.key)?.abort();
    URL.revokeObjectURL(item.preview);
    setItems((list) => list.filter((x) => x.key !== item.key));
  };

  const retry = (item: PhotoItem) => {
    const again = { ...item, state: 'uploading' as const, progress: 0, error: undefined };
    update(item.key, again);
    start(again);
  };

  return (
    <div className="gov-photos">
      <ul className="gov-photos__grid">
        {items.map((item, index) => (
          <li key={item.key} className={`gov-photo gov-photo--${item.state}`}>
            <img className="gov-photo__image" src={item.preview} alt={t('report.photos.alt', { n: index + 1 })} />
            {item.state === 'uploading' ? (
              <progress
                className="gov-photo__progress"
                max={1}
                value={item.progress}
                aria-label={t('report.photos.uploading', { n: index + 1 })}
              />
            ) : null}
            {item.state === 'done' ? <span className="gov-photo__done">{t('report.photos.uploaded')}</span> : null}
            {item.state === 'failed' ? (
              <div className="gov-photo__failed" role="alert">
                <span>{errorMessage(item.error)}</span>
                <button type="button" className="gov-photo__retry" onClick={() => retry(item)}>
                  {t('report.photos.retry')}
                </button>
              </div>
            ) : null}
            <button type="button" className="gov-photo__remove" onClick={() => remove(item)}>
              <CloseOutline aria-hidden="true" />
              <span className="visually-hidden">{t('report.photos.remove', { n: index + 1 })}</span>
            </button>
          </li>
        ))}
        {full ? null : (
          <li className="gov-photos__add">
            <input
              id={ids.camera}
              className="gov-photos__input"
              type="file"
              accept="image/*"
              capture="environment"
              aria-describedby={describedBy}
              onChange={(event) => {
                add(event.currentTarget.files);
                event.currentTarget.value = '';
              }}
            />
            <label htmlFor={ids.camera} className="gov-photos__button">
              {items.length === 0 ? (
                <CameraOutline className="gov-photos__icon" aria-hidden="true" />
              ) : (
                <AddOutline className="gov-photos__icon" aria-hidden="true" />
              )}
              <span>{t('report.photos.take')}</span>
            </label>
          </li>
        )}
      </ul>
      {full ? (
        <p className="hint">{t('report.photos.full', { max: MAX_PHOTOS })}</p>
      ) : (
        <div className="gov-photos__album">
          <input
            id={ids.album}
            className="gov-photos__input"
            type="file"
            accept="image/*"
            multiple
            aria-describedby={describedBy}
            onChange={(event) => {
              add(event.currentTarget.files);
              event.currentTarget.value = '';
            }}
          />
          <label htmlFor={ids.album} className="gov-photos__album-button">
            <PictureOutline aria-hidden="true" />
            <span>{t('report.photos.choose')}</span>
          </label>
          <span className="hint">{t('report.photos.count', { count: items.length, max: MAX_PHOTOS })}</span>
        </div>
      )}
    </div>
  );
}
