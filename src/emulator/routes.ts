import { ENDPOINT_NAMES, ENDPOINTS, TOKEN_PATH, type EndpointName } from "../baidu/endpoints";

/** A Baidu route the emulator answers: the token endpoint or one of the order-center endpoints. */
export type EmulatorRoute = "token" | EndpointName;

/** Control routes for tests and scripts; they are not Baidu's and are never logged or faulted. */
export const CONTROL_PREFIX = "/__emulator/";

const ROUTE_BY_PATH = new Map<string, EmulatorRoute>([
  [TOKEN_PATH, "token"],
  ...ENDPOINT_NAMES.map((name): [string, EmulatorRoute] => [ENDPOINTS[name].path, name]),
]);

export function routeOf(path: string): EmulatorRoute | undefined {
  return ROUTE_BY_PATH.get(path);
}

export function pathOf(route: EmulatorRoute): string {
  return route === "token" ? TOKEN_PATH : ENDPOINTS[route].path;
}

export function isEmulatorRoute(value: unknown): value is EmulatorRoute {
  return value === "token" || (ENDPOINT_NAMES as unknown[]).includes(value);
}
