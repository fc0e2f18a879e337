// Generated run names in MLflow's shape: <adjective>-<noun>-<0..999>, at most 20 characters.
import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'able', 'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'daring', 'eager', 'fast', 'fierce',
  'gentle', 'glad', 'grand', 'happy', 'honest', 'keen', 'kind', 'lively', 'lucky', 'mellow', 'merry', 'nimble',
  'noble', 'quick', 'quiet', 'rare', 'sharp', 'shy', 'smart', 'steady', 'sunny', 'swift', 'tidy', 'vivid', 'warm', 'wise',
];
const NOUNS = [
  'ant', 'bat', 'bear', 'bee', 'crab', 'crow', 'deer', 'dove', 'eel', 'elk', 'finch', 'fox', 'frog', 'gnu', 'hare',
  'hawk', 'koi', 'lark', 'lynx', 'mole', 'moth', 'newt', 'owl', 'panda', 'quail', 'ram', 'seal', 'slug', 'swan',
  'toad', 'trout', 'vole', 'wasp', 'wolf', 'wren', 'yak',
];

export function generateRunName(): string {
  const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
  return name.slice(0, 20);
}
