// The mapping from VS Code settings to the server's configuration schema, and the search
// for the server binary. No `vscode` import here: the Node tests load this module directly.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The server's tiers, as its schema names them. */
export const TIERS = ['fast', 'code', 'heavy'] as const;

/** A JSON object as the server reads it. */
export type Json = { [key: string]: unknown };

/**
 * Reads one VS Code setting below `superhelfer.`; `undefined` when the user has not set it
 * (the extension uses `WorkspaceConfiguration.inspect`, so built-in defaults do not count).
 */
export type UserValue = (key: string) => unknown;

/** What `WorkspaceConfiguration.inspect` reports for one setting, as far as it is read here. */
export interface Inspected {
    globalValue?: unknown;
    workspaceValue?: unknown;
    workspaceFolderValue?: unknown;
}

/** Settings that name a program or a file: `"scope": "machine"`, from the user's settings only. */
export const MACHINE_SCOPED: readonly string[] = ['path', 'configFile'];

/**
 * Settings a workspace must not choose while it is untrusted (package.json
 * `restrictedConfigurations`): the program, the configuration file, and the free-form server
 * settings, which can hold backend URLs and secrets' names.
 */
export const RESTRICTED: readonly string[] = [...MACHINE_SCOPED, 'settings'];

/**
 * The value the user set for a setting: the most specific scope wins, except that machine
 * settings are read from the user's settings only, and restricted ones too in an untrusted
 * workspace. `inspect` reports a workspace's values even where VS Code would not apply them,
 * so the extension must make this choice itself.
 */
export function userValueOf(key: string, inspected: Inspected | undefined, trusted: boolean): unknown {
    if (inspected === undefined) {
        return undefined;
    }
    if (MACHINE_SCOPED.includes(key) || (!trusted && RESTRICTED.includes(key))) {
        return inspected.globalValue;
    }
    return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue;
}

/** Whether a configured path would run or read something the workspace provides. */
export function namesWorkspace(p: string): boolean {
    return p.includes('${workspaceFolder}');
}

/** Typed settings and where they go in the server's schema. */
const TYPED: ReadonlyArray<{ key: string; to: string[]; check: (v: unknown) => boolean }> = [
    ...TIERS.flatMap((t) => [
        { key: `tiers.${t}.model`, to: ['tiers', t, 'model'], check: nonEmptyString },
        { key: `tiers.${t}.vramMb`, to: ['tiers', t, 'vram_mb'], check: nonNegativeInteger },
    ]),
    { key: 'vram.enabled', to: ['vram', 'enabled'], check: isBoolean },
    { key: 'vram.warnAt', to: ['vram', 'warn_at'], check: isNumber },
    { key: 'vram.confirm', to: ['vram', 'confirm'], check: isBoolean },
    { key: 'inline.enabled', to: ['inline', 'enabled'], check: isBoolean },
    { key: 'router.warmAhead', to: ['router', 'warm_ahead'], check: isBoolean },
];

function nonEmptyString(v: unknown): boolean {
    return typeof v === 'string' && v.trim() !== '';
}
function nonNegativeInteger(v: unknown): boolean {
    return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
function isBoolean(v: unknown): boolean {
    return typeof v === 'boolean';
}
function isNumber(v: unknown): boolean {
    return typeof v === 'number' && Number.isFinite(v);
}

export function isObject(v: unknown): v is Json {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` merged into a copy of `base`, key by key (objects recursively), as the server merges layers. */
export function deepMerge(base: Json, over: Json): Json {
    const out: Json = { ...base };
    for (const [k, v] of Object.entries(over)) {
        const b = out[k];
        out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v;
    }
    return out;
}

/**
 * The settings sent as `initializationOptions` and in `workspace/didChangeConfiguration`.
 * Only what the user set is sent, so the server's TOML file keeps the values the user did
 * not set here (the editor's layer wins over the file key by key). The typed settings win
 * over the same keys in the free-form `superhelfer.settings` object.
 */
export function buildServerSettings(userValue: UserValue): Json {
    const free = userValue('settings');
    let out: Json = isObject(free) ? deepMerge({}, free) : {};
    for (const { key, to, check } of TYPED) {
        const v = userValue(key);
        if (v === undefined || v === null || !check(v)) {
            continue;
        }
        let patch: Json = { [to[to.length - 1]]: typeof v === 'string' ? v.trim() : v };
        for (let i = to.length - 2; i >= 0; i--) {
            patch = { [to[i]]: patch };
        }
        out = deepMerge(out, patch);
    }
    return out;
}

/** Dotted paths of every leaf (a value that is not a non-empty object). */
export function leafPaths(value: Json, prefix = ''): string[] {
    const out: string[] = [];
    for (const [k, v] of Object.entries(value)) {
        const p = prefix ? `${prefix}.${k}` : k;
        if (isObject(v) && Object.keys(v).length > 0) {
            out.push(...leafPaths(v, p));
        } else {
            out.push(p);
        }
    }
    return out;
}

/**
 * Keys sent as `initializationOptions` that the new settings no longer hold. The server
 * keeps its `initializationOptions` layer for the whole session and a later layer cannot
 * remove a key, so such a change needs a restart of the server.
 */
export function removedKeys(initial: Json, now: Json): string[] {
    const kept = new Set(leafPaths(now));
    return leafPaths(initial).filter((p) => {
        if (kept.has(p)) {
            return false;
        }
        // A leaf replaced by an object (or the reverse) is still set.
        return !Array.from(kept).some((k) => k.startsWith(`${p}.`) || p.startsWith(`${k}.`));
    });
}

/** `~` and `${workspaceFolder}` expanded; empty stays empty. */
export function expandPath(p: string, workspaceFolder?: string): string {
    let s = p.trim();
    if (s === '~' || s.startsWith('~/')) {
        s = path.join(os.homedir(), s.slice(1));
    }
    if (workspaceFolder !== undefined) {
        s = s.split('${workspaceFolder}').join(workspaceFolder);
    }
    return s;
}

function isExecutable(file: string): boolean {
    try {
        const st = fs.statSync(file);
        if (!st.isFile()) {
            return false;
        }
        if (process.platform === 'win32') {
            return true;
        }
        fs.accessSync(file, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

/**
 * The server binary: the configured path when one is set (a bare name is looked up on
 * `PATH`), else `superhelfer` on `PATH`, else in `~/.cargo/bin` (where `cargo install`
 * puts it; a desktop-launched VS Code often lacks it on `PATH`). `undefined` when not found.
 */
export function findServer(
    configured: string,
    env: NodeJS.ProcessEnv = process.env,
    home: string = os.homedir(),
): string | undefined {
    const name = configured.trim() === '' ? 'superhelfer' : configured.trim();
    if (name.includes('/') || name.includes(path.sep)) {
        const abs = path.resolve(name);
        return isExecutable(abs) ? abs : undefined;
    }
    const exts = process.platform === 'win32' ? ['', '.exe', '.cmd'] : [''];
    const dirs = (env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
    if (configured.trim() === '') {
        dirs.push(path.join(home, '.cargo', 'bin'));
    }
    for (const dir of dirs) {
        for (const ext of exts) {
            const candidate = path.join(dir, name + ext);
            if (isExecutable(candidate)) {
                return candidate;
            }
        }
    }
    return undefined;
}
