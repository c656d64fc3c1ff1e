import { toFault, type FaultScript } from "./faults";
import { jsonReply, textReply, type Reply } from "./reply";
import type { RequestLog } from "./request-log";
import { CONTROL_PREFIX } from "./routes";
import type { OrderStore } from "./store";

export interface ControlState {
  log: RequestLog;
  faults: FaultScript;
  store: OrderStore;
}

/** Lines for `npm run emulator` to print; keep them in step with `handleControl`. */
export const CONTROL_ROUTES = [
  `GET    ${CONTROL_PREFIX}health`,
  `GET    ${CONTROL_PREFIX}orders     stored orders (read-only)`,
  `GET    ${CONTROL_PREFIX}requests   request log`,
  `DELETE ${CONTROL_PREFIX}requests`,
  `GET    ${CONTROL_PREFIX}faults     pending faults`,
  `POST   ${CONTROL_PREFIX}faults     add one fault (JSON body)`,
  `DELETE ${CONTROL_PREFIX}faults`,
] as const;

/** The `/__emulator/` routes, for scripting the emulator from another process. */
export function handleControl(
  method: string,
  path: string,
  body: unknown,
  state: ControlState,
): Reply {
  const route = `${method} ${path.slice(CONTROL_PREFIX.length)}`;
  switch (route) {
    case "GET health":
      return jsonReply({ ok: true });
    case "GET orders":
      return jsonReply(state.store.list());
    case "GET requests":
      return jsonReply(state.log.list());
    case "DELETE requests":
      state.log.clear();
      return textReply(204, "");
    case "GET faults":
      return jsonReply(state.faults.pending());
    case "POST faults":
      return addFault(body, state.faults);
    case "DELETE faults":
      state.faults.clear();
      return textReply(204, "");
    default:
      return textReply(404);
  }
}

function addFault(body: unknown, faults: FaultScript): Reply {
  try {
    return jsonReply(faults.add(toFault(body)), 201);
  } catch (error) {
    if (error instanceof TypeError) return jsonReply({ error: error.message }, 400);
    throw error;
  }
}
