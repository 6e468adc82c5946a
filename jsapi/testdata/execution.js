import exec from "k6/execution";

export const options = { tags: { env: "test" } };

export default function () {
  globalThis.info = [
    exec.vu.idInTest,
    exec.vu.iterationInInstance,
    exec.vu.iterationInScenario,
    exec.scenario.name,
    exec.scenario.executor,
    exec.scenario.iterationInTest,
    exec.scenario.iterationInInstance,
    exec.test.options.tags.env,
    exec.instance.vusActive,
  ].join(",");
}

export function abortNow() {
  exec.test.abort("enough");
  globalThis.afterAbort = true;
}

export function scenarioInInit() {}

export function tagged() {
  exec.vu.tags.flow = "pay";
  globalThis.tagsSeen = Object.keys(exec.vu.tags).sort().join(",");
}
