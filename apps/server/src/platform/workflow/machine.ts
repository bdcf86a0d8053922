/**
 * The generic half of every workflow in OneCity: a typed table of which actions each status
 * allows and to whom, the fold of an append-only action log into state, and the 409 that names
 * the current status and what is allowed instead. Work orders and applications both describe
 * themselves with these; handlers never branch on status themselves.
 */
import type { Locale } from '../../config.ts';
import { AppError, type ErrorCode } from '../http/errors.ts';

/** Text in every language OneCity speaks. */
export type LocalText = Record<Locale, string>;

/**
 * Status → action → the parties who may take it. An action absent from a status's row is
 * forbidden in that status, for everyone.
 */
export type ActionTable<S extends string, A extends string, P extends string> = Readonly<
  Record<S, Readonly<Partial<Record<A, readonly P[]>>>>
>;

/** Whether any of `parties` may take `action` in `status` according to `table` (guards aside). */
export function tableAllows<S extends string, A extends string, P extends string>(
  table: ActionTable<S, A, P>,
  status: S,
  action: A,
  parties: ReadonlySet<P>,
): boolean {
  return (table[status][action] ?? []).some((party) => parties.has(party));
}

/**
 * The actions `parties` may take in `status`, in the table's order, without those `refused`
 * rules out (a guard beyond the table: a time window, a once-only action). This is what a 409
 * lists and what a client shows as buttons.
 */
export function allowedByTable<S extends string, A extends string, P extends string>(
  table: ActionTable<S, A, P>,
  status: S,
  parties: ReadonlySet<P>,
  refused: (action: A) => boolean = () => false,
): A[] {
  const row = table[status];
  return (Object.keys(row) as A[]).filter((action) => tableAllows(table, status, action, parties) && !refused(action));
}

/** Applies one log entry (the `seq`-th, 1-based) to the state so far (null before the first). */
export type ApplyEntry<S, E> = (state: S | null, entry: E, seq: number) => S;

/**
 * The state a whole log leads to: `apply` folded over the entries in order. A state is never
 * stored by hand; what is stored is a projection that must equal this fold.
 */
export function foldLog<S, E>(apply: ApplyEntry<S, E>, log: readonly E[]): S {
  let state: S | null = null;
  log.forEach((entry, i) => {
    state = apply(state, entry, i + 1);
  });
  if (state === null) throw new Error('an empty log has no state');
  return state;
}

/** What the 409 of a forbidden action says. */
export interface NotAllowed<S extends string, A extends string> {
  /** The error code (each workflow has its own wording). */
  code: ErrorCode;
  status: S;
  action: A;
  allowed: readonly A[];
  /** The status's name in every language. */
  statusLabel: LocalText;
  /** A list of actions in every language (the one attempted, then the allowed ones). */
  actionList(actions: readonly A[]): LocalText;
  /** More machine-readable members for the problem (e.g. the task the action was aimed at). */
  extensions?: Record<string, unknown>;
}

/**
 * The 409 of an action the table forbids: its message names the current status, the action
 * and the allowed actions; its problem carries `currentStatus` and `allowedActions` for programs.
 * The code's message takes the placeholders `{status}`, `{action}` and `{allowed}`.
 */
export function actionNotAllowed<S extends string, A extends string>(refusal: NotAllowed<S, A>): AppError {
  return new AppError(
    refusal.code,
    {
      status: refusal.statusLabel,
      action: refusal.actionList([refusal.action]),
      allowed: refusal.actionList(refusal.allowed),
    },
    {
      extensions: { ...refusal.extensions, currentStatus: refusal.status, allowedActions: [...refusal.allowed] },
    },
  );
}

/** Joins action labels into one text per language (`（无）` / `(nothing)` for none). */
export function joinLabels<A extends string>(labels: Record<A, LocalText>, actions: readonly A[]): LocalText {
  const join = (locale: Locale, sep: string, none: string) =>
    actions.length ? actions.map((a) => labels[a][locale]).join(sep) : none;
  return { 'zh-CN': join('zh-CN', '、', '（无）'), en: join('en', ', ', '(nothing)') };
}
