// Types of test-deps.mjs, for the TypeScript that imports it (its unit test, test/support/browser.ts).

/** A system binary the tests need. */
export interface Requirement {
  readonly name: string;
  /** What needs it, for the messages ("the dashboard browser tests"). */
  readonly purpose: string;
  /** Environment variable that overrides the location (the tests honour it too). */
  readonly env?: string;
  /** Absolute paths tried first, in order. */
  readonly paths: readonly string[];
  /** Command names then looked up on PATH. */
  readonly commands: readonly string[];
  /** The Debian package that provides it. */
  readonly aptPackage: string;
}

/** Where a binary is: `path` when found; `override` when the env variable points at nothing usable. */
export interface Located {
  readonly path?: string;
  readonly override?: string;
}

/** What plan() needs to know about the machine. */
export interface Probes {
  locate(req: Requirement): Located;
  /** Running as root (uid 0). */
  readonly root: boolean;
  /** apt-get is on PATH. */
  readonly aptGet: boolean;
}

export interface Found {
  readonly name: string;
  readonly path: string;
}

export type Plan =
  | { readonly action: 'ok'; readonly found: readonly Found[] }
  | {
      readonly action: 'install';
      readonly found: readonly Found[];
      readonly missing: readonly string[];
      readonly packages: readonly string[];
      /** The install command, as shown to the user. */
      readonly command: string;
      /** The progress line. */
      readonly message: string;
    }
  | { readonly action: 'stop'; /** The one line to print, with the command to run. */ readonly message: string };

export const REQUIREMENTS: readonly Requirement[];
export function which(command: string, env?: NodeJS.ProcessEnv): string | undefined;
export function locate(req: Requirement, env?: NodeJS.ProcessEnv): Located;
export function installCommand(packages: readonly string[], root: boolean): string;
export function plan(reqs: readonly Requirement[], probes: Probes): Plan;
export function probeMachine(env?: NodeJS.ProcessEnv): Probes;
