/**
 * The materials of an application: those the city already holds are attached by reference and
 * never asked for (免提交); the rest are photographed or picked from the phone, uploaded with
 * progress, and can be removed until the application is saved, when they are attached.
 */
import { CheckCircleFill, CloseOutline, PictureOutline } from 'antd-mobile-icons';
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { MaterialView } from '../../shared/api/applications.ts';
import { uploadPhoto } from '../../shared/api/applications.ts';
import { ApiError } from '../../shared/api/client.ts';
import { useSession } from '../../shared/api/session.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { useErrorMessage } from '../../shared/ui/states.tsx';

/** A file chosen for a material: uploading, uploaded (with its id) or failed. */
export interface StagedFile {
  key: string;
  name: string;
  preview: string;
  progress: number;
  uploadId?: string;
  error?: string;
}

/** Staged files by material code. */
export type Staged = Record<string, StagedFile[]>;

/** The image types the city accepts (the same rules as photos of reports). */
const ACCEPT = 'image/jpeg,image/png,image/webp';

let counter = 0;

function MaterialItem({
  material,
  files,
  onFiles,
  error,
  disabled,
}: {
  material: MaterialView;
  files: StagedFile[];
  onFiles: (update: (files: StagedFile[]) => StagedFile[]) => void;
  error?: string;
  disabled?: boolean;
}) {
  const { t } = useTranslation('government');
  const { language } = useSettings();
  const session = useSession();
  const messageOf = useErrorMessage();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const name = pick(language, material.nameZh, material.nameEn);

  if (material.satisfiedBy === 'held') {
    return (
      <li className="gov-material gov-material--held">
        <div className="gov-material__head">
          <span className="gov-material__name">{name}</span>
          <span className="badge badge--success">{t('materials.byReference')}</span>
        </div>
        <p className="gov-material__held">
          <CheckCircleFill aria-hidden="true" />
          {t('materials.held')}
        </p>
      </li>
    );
  }

  const add = (chosen: FileList | null) => {
    if (!chosen) return;
    for (const file of Array.from(chosen)) {
      counter += 1;
      const key = `f${counter}`;
      const staged: StagedFile = { key, name: file.name, preview: URL.createObjectURL(file), progress: 0 };
      onFiles((list) => [...list, staged]);
      const update = (change: Partial<StagedFile>) =>
        onFiles((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));
      uploadPhoto(file, session.data?.csrfToken ?? null, (progress) => update({ progress }))
        .then((answer) => update({ uploadId: answer.id, progress: 1 }))
        .catch((e: unknown) => update({ error: e instanceof ApiError ? messageOf(e) : t('materials.failed') }));
    }
    if (input.current) input.current.value = '';
  };

  const attached = material.fileIds.length;
  return (
    <li className="gov-material">
      <div className="gov-material__head">
        <span className="gov-material__name">{name}</span>
        <span className={attached || files.some((f) => f.uploadId) ? 'badge badge--success' : 'badge'}>
          {material.optional ? t('materials.optional') : t('materials.required')}
        </span>
      </div>
      {attached > 0 ? (
        <p className="gov-material__attached">
          <CheckCircleFill aria-hidden="true" />
          {t('materials.attached', { count: attached })}
        </p>
      ) : null}
      {files.length > 0 ? (
        <ul className="gov-files">
          {files.map((f) => (
            <li key={f.key} className="gov-file">
              <img src={f.preview} alt="" className="gov-file__thumb" />
              <div className="gov-file__body">
                <span className="gov-file__name">{f.name}</span>
                {f.error ? (
                  <span className="gov-file__error">{f.error}</span>
                ) : (
                  <progress
                    className="gov-file__progress"
                    max={1}
                    value={f.progress}
                    aria-label={t('materials.progress', { name: f.name })}
                  />
                )}
                <span className="gov-file__status">
                  {f.error ? '' : f.uploadId ? t('materials.uploaded') : t('materials.uploading')}
                </span>
              </div>
              <button
                type="button"
                className="icon-button gov-file__remove"
                disabled={disabled}
                onClick={() => {
                  URL.revokeObjectURL(f.preview);
                  onFiles((list) => list.filter((x) => x.key !== f.key));
                }}
              >
                <CloseOutline aria-hidden="true" />
                <span className="visually-hidden">{t('materials.remove', { name: f.name })}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="gov-material__pick">
        <input
          ref={input}
          id={inputId}
          type="file"
          accept={ACCEPT}
          multiple
          className="visually-hidden"
          disabled={disabled}
          aria-describedby={error ? `${inputId}-error` : undefined}
          onChange={(e) => add(e.target.files)}
        />
        <label htmlFor={inputId} className="gov-upload-button">
          <PictureOutline aria-hidden="true" />
          {t('materials.add', { name })}
        </label>
      </div>
      {error ? (
        <p className="gov-field__error" id={`${inputId}-error`}>
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** The materials an applicant deals with (the form itself is not one of them here). */
export function Materials({
  materials,
  staged,
  onStaged,
  errors,
  disabled,
}: {
  materials: MaterialView[];
  staged: Staged;
  onStaged: (update: (staged: Staged) => Staged) => void;
  errors: Map<string, string>;
  disabled?: boolean;
}) {
  const { t } = useTranslation('government');
  // Previews are object URLs: let them go with the screen.
  const latest = useRef(staged);
  latest.current = staged;
  useEffect(
    () => () => {
      for (const list of Object.values(latest.current)) for (const f of list) URL.revokeObjectURL(f.preview);
    },
    [],
  );
  const shown = materials.filter((m) => m.kind !== 'form');
  if (shown.length === 0) return <p>{t('materials.none')}</p>;
  return (
    <>
      <p className="hint">{t('materials.rules')}</p>
      <ul className="gov-materials">
        {shown.map((m) => (
          <MaterialItem
            key={m.code}
            material={m}
            files={staged[m.code] ?? []}
            error={errors.get(m.code)}
            disabled={disabled}
            onFiles={(update) => onStaged((all) => ({ ...all, [m.code]: update(all[m.code] ?? []) }))}
          />
        ))}
      </ul>
    </>
  );
}
