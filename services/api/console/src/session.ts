import { tokenStorageKey } from '../../src/domain/console-session';

export type Scope = 'read' | 'admin';

/** The token lives in this tab's sessionStorage only: closing the tab signs out. */
export const session = {
  token: (): string | null => sessionStorage.getItem(tokenStorageKey),
  save: (token: string) => sessionStorage.setItem(tokenStorageKey, token),
  clear: () => sessionStorage.removeItem(tokenStorageKey),
};
