// "Load more" paging for trees: a list shows the first `wanted` items, fetched in server pages; showing more
// raises `wanted`. Refreshes fetch the same number again, so live updates and paging never fight.
import type { Page } from '../tracking/rest/types';

export const PAGE_SIZE = 100;
/** MLflow servers answer at most 50,000 per request; stay far below so each request stays quick. */
export const MAX_REQUEST = 1000;

export async function fetchUpTo<T>(
  wanted: number,
  fetchPage: (maxResults: number, pageToken: string | undefined) => Promise<Page<T>>,
): Promise<{ items: T[]; hasMore: boolean }> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(Math.min(MAX_REQUEST, wanted - items.length), token);
    items.push(...page.items);
    token = page.next_page_token;
  } while (token && items.length < wanted);
  return { items: items.slice(0, wanted), hasMore: Boolean(token) || items.length > wanted };
}

/** How many items each list wants to show, by list key. */
export class PageSizes {
  private readonly wanted = new Map<string, number>();

  constructor(private readonly pageSize = PAGE_SIZE) {}

  get(key: string): number {
    return this.wanted.get(key) ?? this.pageSize;
  }

  more(key: string): number {
    const next = this.get(key) + this.pageSize;
    this.wanted.set(key, next);
    return next;
  }
}
