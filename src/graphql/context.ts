import type { Caller } from "../auth/api-keys";
import type { BaiduClient } from "../baidu/client";
import type { WireOptions } from "../baidu/wire";
import type { AppConfig } from "../config/types";
import type { DeliveryService } from "../delivery/service";
import type { Sql } from "../store/sql";

/** What every resolver sees: the authenticated caller and the gateway's shared services. */
export interface GatewayContext {
  caller: Caller;
  baidu: BaiduClient;
  /** The shapes configured for the fields Baidu's sources disagree on. */
  wire: WireOptions;
  apps: ReadonlyMap<string, AppConfig>;
  deliveries: DeliveryService;
  /** The ledger, for reads. */
  sql: Sql;
}
