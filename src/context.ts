import type { Caller } from "./auth";
import type { BaiduClient } from "./baidu/client";
import type { AppConfig } from "./config";
import type { DeliveryService } from "./delivery/service";
import type { Sql } from "./store/sql";

/** What every resolver sees: the authenticated caller and the gateway's shared services. */
export interface GatewayContext {
  caller: Caller;
  baidu: BaiduClient;
  apps: ReadonlyMap<string, AppConfig>;
  deliveries: DeliveryService;
  /** The ledger, for reads. */
  sql: Sql;
}
