// RegistryClient over the model registry of the store this window owns (extension/registry): the same
// validate → journal → fsync path the REST routes use, without the HTTP round trip.
import type { RegistryStore } from '../registry/registryStore';
import type { Page, RegistryAuditEntry } from '../tracking/rest/types';
import { toClientError } from './clientError';
import type { ModelVersion, RegisteredModel } from './registryTypes';
import { quoteFilterValue, type ModelVersionInput, type RegistryClient } from './trackingClient';

function page<T>(items: T[], token: string | undefined): Page<T> {
  return token ? { items, next_page_token: token } : { items };
}

export class InProcessRegistryClient implements RegistryClient {
  constructor(private readonly registry: RegistryStore) {}

  private async call<T>(fn: () => T | Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toClientError(err);
    }
  }

  searchRegisteredModels(q: { maxResults: number; pageToken?: string }): Promise<Page<RegisteredModel>> {
    return this.call(() => {
      const r = this.registry.searchRegisteredModels({ maxResults: q.maxResults, pageToken: q.pageToken });
      return page(r.registered_models, r.next_page_token);
    });
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.call(() => this.registry.getRegisteredModel(name));
  }

  searchModelVersions(q: { name: string; maxResults: number; pageToken?: string }): Promise<Page<ModelVersion>> {
    return this.call(() => {
      const r = this.registry.searchModelVersions({
        filter: `name=${quoteFilterValue(q.name)}`,
        maxResults: q.maxResults,
        pageToken: q.pageToken,
        orderBy: ['version_number DESC'],
      });
      return page(r.model_versions, r.next_page_token);
    });
  }

  createRegisteredModel(name: string, description?: string): Promise<RegisteredModel> {
    return this.call(() => this.registry.createRegisteredModel(name, [], description));
  }

  renameRegisteredModel(name: string, newName: string): Promise<void> {
    return this.call(async () => void (await this.registry.renameRegisteredModel(name, newName)));
  }

  updateRegisteredModel(name: string, description: string): Promise<void> {
    return this.call(async () => void (await this.registry.updateRegisteredModel(name, description)));
  }

  deleteRegisteredModel(name: string): Promise<void> {
    return this.call(() => this.registry.deleteRegisteredModel(name));
  }

  createModelVersion(input: ModelVersionInput): Promise<ModelVersion> {
    return this.call(() => this.registry.createModelVersion({ name: input.name, source: input.source, run_id: input.runId, description: input.description }));
  }

  updateModelVersion(name: string, version: string, description: string): Promise<void> {
    return this.call(async () => void (await this.registry.updateModelVersion(name, version, description)));
  }

  transitionStage(name: string, version: string, stage: string, archiveExisting: boolean): Promise<ModelVersion> {
    return this.call(() => this.registry.transitionModelVersionStage(name, version, stage, archiveExisting));
  }

  deleteModelVersion(name: string, version: string): Promise<void> {
    return this.call(() => this.registry.deleteModelVersion(name, version));
  }

  setAlias(name: string, alias: string, version: string): Promise<void> {
    return this.call(() => this.registry.setRegisteredModelAlias(name, alias, version));
  }

  deleteAlias(name: string, alias: string): Promise<void> {
    return this.call(() => this.registry.deleteRegisteredModelAlias(name, alias));
  }

  audit(name: string, maxResults: number): Promise<RegistryAuditEntry[]> {
    return this.call(() => this.registry.getAudit(name, maxResults).entries);
  }
}
