import type { ActionRule, GuardRule, WorkflowRule } from './rule.js';

/** The bricks workflows may name: built-ins first, then plugins (a plugin may not shadow a built-in). */
export class RuleRegistry {
  private readonly actions = new Map<string, ActionRule<any>>();
  private readonly guards = new Map<string, GuardRule<any>>();

  constructor(rules: ReadonlyArray<WorkflowRule> = []) {
    for (const r of rules) this.add(r);
  }

  /**
   * Registers a brick under its name, or `<plugin>/<name>` for a plugin's (the same reference form sourcing
   * profiles use for plugin cost terms). A second brick with the same name is an error that names both.
   */
  add(rule: WorkflowRule, origin = 'built-in', plugin?: string): void {
    const name = plugin ? `${plugin}/${rule.name}` : rule.name;
    const map = rule.kind === 'action' ? this.actions : this.guards;
    if (map.has(name)) throw new Error(`${origin} defines ${rule.kind} '${name}', which already exists`);
    map.set(name, rule as never);
  }

  action(name: string): ActionRule<any> | undefined {
    return this.actions.get(name);
  }

  guard(name: string): GuardRule<any> | undefined {
    return this.guards.get(name);
  }

  /**
   * Every brick under the name a workflow must use (`GET /workflows/bricks`): the registered name, so a
   * plugin's brick is listed as `<plugin>/<name>`, never under the bare name its `defineRule` gave it.
   */
  list(): Array<{ kind: string; name: string; description: string }> {
    return [...this.actions.entries(), ...this.guards.entries()]
      .map(([name, r]) => ({ kind: r.kind, name, description: r.description }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  actionNames(): string[] {
    return [...this.actions.keys()];
  }

  guardNames(): string[] {
    return [...this.guards.keys()];
  }
}
