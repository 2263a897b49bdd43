/**
 * Where the console keeps the operator's token: the tab's sessionStorage (gone when the tab closes), read by the
 * console and by Swagger UI on the same origin. Shared by the server and the page's bundle.
 */
export const tokenStorageKey = 'bg.console.token';

/** Where the console is served. */
export const consolePath = '/console/';
