// PyYAML's safe_load of a whole node (lists, dicts with merge keys flattened as SafeConstructor does), over
// the scalar construction of pyYamlScalar.ts.
import { isAlias } from 'yaml';
import type { PyValue } from '../../extension/projects/python/pyRepr';
import { constructScalar, PyYamlError, PyYamlUnsupported, TAG } from './pyYamlScalar';
import { entries, isMap, isScalar, isSeq, resolve } from './yamlTree';
import type { Node, YamlDoc } from './yamlTree';

export { PyYamlError, PyYamlUnsupported } from './pyYamlScalar';

const MAX_DEPTH = 64;

/** A hashable key's identity under Python's ==: 1, 1.0 and True are one key. Unhashable keys fail the load. */
function keyIdentity(k: PyValue): string {
  if (typeof k === 'string') return `s${k}`;
  if (k === null) return 'n';
  if (typeof k === 'boolean') return `i${k ? 1 : 0}`;
  if (typeof k === 'bigint') return `i${k}`;
  if (Array.isArray(k) || 'dict' in k) throw new PyYamlError('found unhashable key');
  if ('float' in k) return Number.isInteger(k.float) ? `i${BigInt(k.float)}` : Number.isNaN(k.float) ? `nan${Math.random()}` : `f${k.float}`;
  return `t${JSON.stringify(k)}`;
}

/**
 * What safe_load makes of `node`. Throws PyYamlError where PyYAML fails loading the document, and
 * PyYamlUnsupported for constructs outside this port (explicit tags other than the scalar ones, !!set, …).
 */
export function constructPython(node: Node | null, doc: YamlDoc, depth = 0, asKey = false): PyValue {
  if (depth > MAX_DEPTH) throw new PyYamlUnsupported('nested too deeply');
  const n = isAlias(node) ? resolve(node, doc) : node;
  if (n === null || n === undefined) return null;
  if (isScalar(n)) return constructScalar(n, asKey);
  const tag = (n as { tag?: string }).tag;
  let named: string | undefined;
  if (tag !== undefined && tag !== '!') {
    if (!tag.startsWith(TAG)) throw new PyYamlUnsupported(`tag ${tag}`);
    named = tag.slice(TAG.length);
  }
  if (isSeq(n)) {
    if (named !== undefined && named !== 'seq') throw new PyYamlUnsupported(`tag ${named}`);
    return n.items.map((item) => constructPython(item as Node, doc, depth + 1));
  }
  if (isMap(n)) {
    if (named !== undefined && named !== 'map') throw new PyYamlUnsupported(`tag ${named}`);
    // flatten_mapping's order (merged entries first), then dict assignment: a repeated key keeps its first
    // position and takes the last value.
    const dict: Array<[PyValue, PyValue]> = [];
    const at = new Map<string, number>();
    for (const e of entries(n, doc)) {
      const key = constructPython(e.keyNode, doc, depth + 1, true);
      const value = constructPython(e.value, doc, depth + 1);
      const id = keyIdentity(key);
      const i = at.get(id);
      if (i === undefined) {
        at.set(id, dict.length);
        dict.push([key, value]);
      } else dict[i] = [dict[i][0], value];
    }
    return { dict };
  }
  throw new PyYamlUnsupported('unknown node');
}
