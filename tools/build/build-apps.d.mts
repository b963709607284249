// Types of build-apps.mjs for the TypeScript tools that start servers from the production build.
export type App = 'gateway' | 'token-service' | 'credential-service' | 'audit-service';
export declare const APPS: readonly App[];
/** dist/apps/<app> of this checkout. */
export declare function distDir(app: App): string;
/** The built entry point: `node --enable-source-maps <distEntry(app)>` runs the app. */
export declare function distEntry(app: App): string;
/** True when the app's bundle is missing or any of its inputs is newer. */
export declare function appIsStale(app: App): boolean;
/** Builds `apps` (all four by default); with `ifStale`, only those out of date. Resolves with the apps it built. */
export declare function buildApps(options?: { apps?: readonly App[]; ifStale?: boolean; log?: (line: string) => void }): Promise<App[]>;
