/** The search box: a labelled search field and a button, submitting to the search screen. */
import { SearchOutline } from 'antd-mobile-icons';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A search form; `onSearch` receives the trimmed words. */
export function SearchBox({
  initial = '',
  onSearch,
  autoFocus = false,
}: {
  initial?: string;
  onSearch: (q: string) => void;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [value, setValue] = useState(initial);
  useEffect(() => setValue(initial), [initial]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(value.trim());
  };
  return (
    <search>
      {/* action and name: a page the server drew searches before the app has taken it over */}
      <form className="search-box" action="/search" method="get" onSubmit={submit}>
        <label htmlFor={id} className="visually-hidden">
          {t('search.label')}
        </label>
        <SearchOutline className="search-box__icon" aria-hidden="true" />
        <input
          id={id}
          name="q"
          className="search-box__input"
          type="search"
          enterKeyHint="search"
          autoComplete="off"
          maxLength={200}
          placeholder={t('search.placeholder')}
          value={value}
          // biome-ignore lint/a11y/noAutofocus: the search screen exists to type into this field
          autoFocus={autoFocus}
          onChange={(event) => setValue(event.target.value)}
        />
        <button type="submit" className="search-box__button">
          {t('search.submit')}
        </button>
      </form>
    </search>
  );
}
