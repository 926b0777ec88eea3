// The status bar item: idle, starting, the running command with its latest progress
// message, and for a few seconds the outcome.

import * as vscode from 'vscode';

import { OWN_TOKEN_PREFIX, ProgressValue, STATUS, runningText } from './actions';

/** How long the outcome of a command stays in the status bar. */
const OUTCOME_MS = 8000;

interface Job {
    title: string;
    message?: string;
}

export class StatusBar implements vscode.Disposable {
    private readonly item: vscode.StatusBarItem;
    /** Running work by progress token, in start order; the latest is shown. */
    private readonly jobs = new Map<string, Job>();
    private outcomeTimer: NodeJS.Timeout | undefined;

    constructor() {
        this.item = vscode.window.createStatusBarItem('superhelfer.status', vscode.StatusBarAlignment.Right, 100);
        this.item.name = 'superhelfer';
        this.idle();
        this.item.show();
    }

    dispose(): void {
        this.clearTimer();
        this.item.dispose();
    }

    private clearTimer(): void {
        if (this.outcomeTimer !== undefined) {
            clearTimeout(this.outcomeTimer);
            this.outcomeTimer = undefined;
        }
    }

    private set(text: string, tooltip: string, command: string, error = false): void {
        this.item.text = text;
        this.item.tooltip = tooltip;
        this.item.command = command;
        this.item.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    }

    idle(): void {
        this.clearTimer();
        this.jobs.clear();
        this.set('$(hubot) superhelfer', 'superhelfer: ready. Click for the status of backends, tiers and GPU.', STATUS);
    }

    starting(): void {
        this.clearTimer();
        this.set('$(loading~spin) superhelfer', 'superhelfer: starting the server', STATUS);
    }

    stopped(reason: string): void {
        this.clearTimer();
        this.jobs.clear();
        this.set('$(error) superhelfer', `superhelfer: ${reason}. Click to restart.`, 'superhelfer.restart', true);
    }

    begin(token: string, title: string): void {
        this.clearTimer();
        this.jobs.set(token, { title });
        this.render();
    }

    /** A `$/progress` value for a token (ours, or one the server created). */
    progress(token: string, value: ProgressValue): void {
        if (value.kind === 'end') {
            // Our own commands end through `end`, which knows the outcome.
            if (this.jobs.has(token) && !token.startsWith(OWN_TOKEN_PREFIX)) {
                this.end(token, 'done', value.message);
            }
            return;
        }
        const job = this.jobs.get(token) ?? { title: value.title ?? 'working' };
        if (value.kind === 'begin' && value.title !== undefined && !this.jobs.has(token)) {
            job.title = value.title.replace(/^superhelfer:\s*/, '');
        }
        if (value.message !== undefined) {
            job.message = value.message;
        }
        this.jobs.set(token, job);
        this.render();
    }

    end(token: string, outcome: 'done' | 'failed' | 'cancelled', message?: string): void {
        const job = this.jobs.get(token);
        this.jobs.delete(token);
        if (this.jobs.size > 0) {
            this.render();
            return;
        }
        const title = job?.title ?? 'done';
        const icon = outcome === 'done' ? '$(check)' : outcome === 'cancelled' ? '$(circle-slash)' : '$(error)';
        const detail = message ?? outcome;
        this.set(`${icon} superhelfer: ${title}`, `superhelfer: ${title}: ${detail}`, STATUS, outcome === 'failed');
        this.clearTimer();
        this.outcomeTimer = setTimeout(() => this.idle(), OUTCOME_MS);
    }

    private render(): void {
        const jobs = Array.from(this.jobs.values());
        const latest = jobs[jobs.length - 1];
        if (latest === undefined) {
            this.idle();
            return;
        }
        const more = jobs.length > 1 ? ` (+${jobs.length - 1})` : '';
        const text = runningText(latest.title, latest.message);
        this.set(`$(loading~spin) ${text}${more}`, `${text}${more}`, STATUS);
    }
}
