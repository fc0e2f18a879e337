// The Models tree as plain data: registered models → versions (aliases and stage as descriptions) → the
// source run as a link. Pure.
import type { ModelVersion, RegisteredModel } from '../client/registryTypes';
import { relativeTime } from '../views/format';
import { md, oneLine, type ItemSpec } from '../views/treeItemSpec';

export type ModelNode =
  | { kind: 'folder'; session: string; name: string }
  | { kind: 'model'; session: string; model: RegisteredModel }
  | { kind: 'version'; session: string; version: ModelVersion; aliases: string[] }
  | { kind: 'sourceRun'; session: string; version: ModelVersion }
  | { kind: 'more'; session: string; listKey: string; label: string }
  | { kind: 'message'; session: string; parentKey: string; text: string; detail?: string; icon?: string };

export function modelNodeKey(node: ModelNode | undefined): string {
  if (!node) return 'root';
  switch (node.kind) {
    case 'folder':
      return `f|${node.session}`;
    case 'model':
      return `rm|${node.session}|${node.model.name}`;
    case 'version':
      return `mv|${node.session}|${node.version.name}|${node.version.version}`;
    case 'sourceRun':
      return `src|${node.session}|${node.version.name}|${node.version.version}`;
    case 'more':
      return `more|${node.listKey}`;
    case 'message':
      return `msg|${node.parentKey}|${node.text}`;
  }
}

export function modelFingerprint(node: ModelNode): string {
  return `${modelNodeKey(node)}\u0000${JSON.stringify(node)}`;
}

/** A version's aliases: its own list, plus any the model lists for it (servers differ in which they fill). */
export function versionAliases(version: ModelVersion, model?: RegisteredModel): string[] {
  const fromModel = (model?.aliases ?? []).filter((a) => String(a.version) === String(version.version)).map((a) => a.alias);
  return [...new Set([...(version.aliases ?? []), ...fromModel])].sort();
}

export function modelUri(name: string, versionOrAlias?: { version?: string; alias?: string }): string {
  if (versionOrAlias?.alias) return `models:/${name}@${versionOrAlias.alias}`;
  return `models:/${name}/${versionOrAlias?.version ?? 'latest'}`;
}

export function modelItem(id: string, model: RegisteredModel, now: number): ItemSpec {
  const aliases = (model.aliases ?? []).map((a) => `@${a.alias} → v${a.version}`);
  const lines = [`**${md(model.name)}**`];
  if (model.description) lines.push(model.description);
  if (model.creation_timestamp) lines.push(`Created ${relativeTime(model.creation_timestamp, now)}`);
  if (model.last_updated_timestamp) lines.push(`Updated ${relativeTime(model.last_updated_timestamp, now)}`);
  if (aliases.length) lines.push(`Aliases: ${aliases.map(md).join(', ')}`);
  for (const t of model.tags ?? []) lines.push(`\`${t.key}\`: ${md(t.value)}`);
  return {
    id,
    label: model.name,
    description: aliases.join(' · ') || (model.description ? oneLine(model.description, 60) : undefined),
    tooltip: lines.join('\n\n'),
    icon: { codicon: 'package' },
    collapsible: 'collapsed',
    contextValue: 'model',
  };
}

export function versionDescription(version: ModelVersion, aliases: string[], now: number): string {
  const stage = version.current_stage && version.current_stage !== 'None' ? version.current_stage : undefined;
  const pending = version.status && version.status !== 'READY' ? version.status.toLowerCase().replace(/_/g, ' ') : undefined;
  const when = version.creation_timestamp ? relativeTime(version.creation_timestamp, now) : undefined;
  return [aliases.map((a) => `@${a}`).join(' '), stage, pending, when].filter(Boolean).join(' · ');
}

export function versionItem(id: string, version: ModelVersion, aliases: string[], now: number): ItemSpec {
  const lines = [`**${md(version.name)}** version ${version.version}`];
  if (aliases.length) lines.push(`Aliases: ${aliases.map((a) => `@${md(a)}`).join(', ')}`);
  lines.push(`Stage: ${version.current_stage ?? 'None'}`);
  if (version.status) lines.push(`Status: ${version.status}${version.status_message ? ` (${md(version.status_message)})` : ''}`);
  if (version.source) lines.push(`Source: \`${version.source}\``);
  if (version.run_id) lines.push(`Run: \`${version.run_id}\``);
  if (version.description) lines.push('---', version.description);
  return {
    id,
    label: `Version ${version.version}`,
    description: versionDescription(version, aliases, now),
    tooltip: lines.join('\n\n'),
    icon: { codicon: aliases.length ? 'versions' : 'git-commit', color: version.current_stage === 'Production' ? 'charts.green' : undefined },
    collapsible: version.run_id ? 'collapsed' : 'none',
    contextValue: aliases.length ? 'modelVersion.aliased' : 'modelVersion',
  };
}

export function modelItemFor(node: ModelNode, now: number): ItemSpec {
  const id = modelNodeKey(node);
  switch (node.kind) {
    case 'folder':
      return { id, label: node.name, icon: { codicon: 'root-folder' }, collapsible: 'expanded', contextValue: 'folder' };
    case 'model':
      return modelItem(id, node.model, now);
    case 'version':
      return versionItem(id, node.version, node.aliases, now);
    case 'sourceRun':
      return {
        id,
        label: 'Source run',
        description: node.version.run_id,
        tooltip: `Show run \`${node.version.run_id}\` in the Experiments view${node.version.source ? `\n\nSource: \`${node.version.source}\`` : ''}`,
        icon: { codicon: 'link' },
        collapsible: 'none',
        contextValue: 'sourceRun',
        command: { command: 'mlflowWorkbench.revealSourceRun', title: 'Show Source Run' },
      };
    case 'more':
      return {
        id,
        label: node.label,
        icon: { codicon: 'ellipsis' },
        collapsible: 'none',
        contextValue: 'more',
        command: { command: 'mlflowWorkbench.loadMoreModels', title: node.label },
      };
    case 'message':
      return { id, label: node.text, tooltip: node.detail, icon: { codicon: node.icon ?? 'info' }, collapsible: 'none', contextValue: 'message' };
  }
}

/** Alias rules MLflow enforces (reference §6.3), checked before a round trip. */
export function aliasProblem(alias: string): string | undefined {
  if (!alias) return 'The alias cannot be empty.';
  if (alias.length > 255) return 'An alias has at most 255 characters.';
  if (!/^[\w-]+$/.test(alias)) return 'Use letters, digits, underscores and hyphens only.';
  if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) return `'${alias}' is reserved.`;
  return undefined;
}

/** Registered model name rules (reference §6.3). */
export function modelNameProblem(name: string): string | undefined {
  if (!name.trim()) return 'The name cannot be empty.';
  if (/[/:]/.test(name)) return "A model name cannot contain '/' or ':'.";
  if (name === '.' || name.startsWith('..')) return 'That name is not allowed.';
  return undefined;
}
