/** Focus management shared by every area's layout. */
import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

/**
 * Moves focus to the screen (the returned ref's element, `tabIndex={-1}`) after each navigation
 * but the first, so that screen readers start at the new content.
 */
export function useFocusOnNavigate() {
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation by design
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [location.pathname]);
  return main;
}
