/**
 * How `restApiSource()` is completed by the pipeline that runs it (`Source.bind`): config
 * fields resolved from the pipeline's providers, its committed state, its masker, logger,
 * deps and events; what the caller gave explicitly wins. A source made without config values
 * stays unbound until then, or until its first `extract()`, which uses the providers of the
 * working directory.
 *
 * @module
 */

import { loadConfig, SecretMasker } from "../config/mod.ts";
import { defaultDeps } from "../deps.ts";
import { noEvents } from "../events.ts";
import { silentLogger } from "../log.ts";
import { expandResource } from "./defaults.ts";
import { findParent } from "./_plan.ts";
import { resourceInfo } from "./_plan_hints.ts";
import { concurrencySetting, requestSettings, resolveConnectorConfig } from "./connector_config.ts";
import type { RestApiSourceOptions } from "./rest_source.ts";
import type { Connector, ResourceInfo, Source, SourceContext, SourceMasker } from "./types.ts";

/**
 * The options a bound source is built with: the caller's where given, else the context's.
 *
 * @throws {ConfigError} when a config field is missing (dlt's error)
 */
export function boundOptions(
  connector: Connector,
  options: RestApiSourceOptions,
  context: SourceContext,
): RestApiSourceOptions & { config: Record<string, unknown> } {
  const masker = bothMaskers(options.masker, context.masker);
  const config = options.config ??
    resolveConnectorConfig(connector, context.config, {
      pipelineName: context.pipelineName,
      masker,
    });
  const given = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as RestApiSourceOptions;
  return {
    ...requestSettings(context.config),
    concurrency: concurrencySetting(context.config, connector.name),
    deps: context.deps,
    logger: context.logger,
    onEvent: context.onEvent,
    state: context.state,
    ...given,
    config,
    masker,
  };
}

/**
 * Whether binding a source built with `options` to `context` would build the same source:
 * everything the context gives was given explicitly (or the context has nothing to add).
 */
export function bindsAsBuilt(options: RestApiSourceOptions, context: SourceContext): boolean {
  return (options.state !== undefined || context.state === undefined) &&
    options.masker === context.masker &&
    options.logger !== undefined && options.deps !== undefined &&
    options.onEvent !== undefined && options.timeoutMs !== undefined &&
    options.maxAttempts !== undefined && options.maxRetryDelayMs !== undefined;
}

/**
 * A source that is built when it is bound: by the pipeline, or by its first `extract()` with
 * the working directory's config providers (env vars, `.dlt/` TOML files).
 */
export function unboundSource(
  connector: Connector,
  options: RestApiSourceOptions & { bind: (context: SourceContext) => Source },
): Source {
  const { bind } = options;
  let bound: Source | undefined;
  let declared: ResourceInfo[] | undefined;
  return {
    name: connector.name,
    get resources(): ResourceInfo[] {
      return bound?.resources ?? (declared ??= declaredResources(connector));
    },
    async *extract(extractOptions) {
      bound = bind({
        config: await loadConfig(),
        masker: new SecretMasker(),
        logger: options.logger ?? silentLogger,
        deps: options.deps ?? defaultDeps,
        onEvent: options.onEvent ?? noEvents,
      });
      yield* bound.extract(extractOptions);
    },
    state: () => bound?.state?.() ?? structuredClone(options.state ?? {}),
    stats: () => bound?.stats?.() ?? {},
    bind,
  };
}

/** The resources as the connector writes them, before config fills anything in. */
function declaredResources(connector: Connector): ResourceInfo[] {
  const expanded = connector.resources.map((r) => expandResource(r, connector.resource_defaults));
  const names = expanded.map((r) => r.name);
  return expanded.map((r) => resourceInfo(r, findParent(r, names)));
}

/** One masker that learns into both (the caller's and the pipeline's) and masks with both. */
function bothMaskers(own: SourceMasker | undefined, given: SourceMasker): SourceMasker {
  if (!own || own === given) return given;
  return {
    add(secret) {
      own.add(secret);
      given.add(secret);
    },
    mask: (text) => given.mask(own.mask(text)),
  };
}
