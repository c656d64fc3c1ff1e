import { GraphQLISODateTime, Field, ID, Int, ObjectType } from "type-graphql";
import { AttemptOutcome, DeliveryState } from "./delivery.enums";
import type { EndpointName } from "../src/baidu/endpoints";
import { OrderWriteResult } from "./request.type";

@ObjectType({ description: "Why an attempt failed. Baidu's texts are redacted of secrets." })
export class DeliveryFailure {
  @Field(() => AttemptOutcome)
  verdict!: AttemptOutcome;

  @Field()
  message!: string;

  @Field(() => Int, { nullable: true, description: "Baidu's HTTP status, when it was not 2xx." })
  httpStatus!: number | null;

  @Field(() => Int, { nullable: true, description: "Baidu's gateway `error_code`." })
  errorCode!: number | null;

  @Field(() => Int, { nullable: true, description: "Baidu's business `errno`." })
  errno!: number | null;

  @Field(() => String, { nullable: true, description: "Baidu's own text (`error_msg`, `msg`)." })
  baiduMessage!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Baidu's `request_id`, when its answer had one.",
  })
  requestId!: string | null;
}

@ObjectType({ description: "One attempt to send a delivery to Baidu." })
export class DeliveryAttempt {
  @Field(() => Int, { description: "1 for the first attempt." })
  number!: number;

  @Field(() => GraphQLISODateTime)
  startedAt!: Date;

  @Field(() => GraphQLISODateTime)
  finishedAt!: Date;

  @Field(() => AttemptOutcome)
  outcome!: AttemptOutcome;

  @Field(() => Int, { nullable: true })
  httpStatus!: number | null;

  @Field(() => Int, { nullable: true })
  errorCode!: number | null;

  @Field(() => Int, { nullable: true })
  errno!: number | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Baidu's `request_id`, when its answer had one.",
  })
  requestId!: string | null;
}

@ObjectType({
  description:
    "One accepted write as the ledger keeps it: what was (or will be) sent to Baidu, and what became of it.",
})
export class Delivery {
  @Field(() => ID)
  id!: string;

  @Field(() => DeliveryState)
  state!: DeliveryState;

  @Field({ description: "The Baidu app written to." })
  appKey!: string;

  @Field({ description: "The mutation that made the write, e.g. updateAfterSaleOrder." })
  operation!: string;

  @Field({
    description:
      "Who made the write: the API key's name, or `jwt:<sub>` for a signed-in user; for a retry, who retried it.",
  })
  caller!: string;

  @Field(() => String, { nullable: true })
  idempotencyKey!: string | null;

  @Field(() => [String], { description: "The orders the write touches (`ResourceID`s)." })
  resourceIds!: string[];

  /**
   * What `request` is resolved from (delivery.resolver.ts), so a payload that does not ask for it
   * never parses the body.
   */
  wire!: { endpoint: EndpointName; query: Array<[string, string]>; body: string };

  @Field(() => GraphQLISODateTime, { description: "When the gateway committed the write." })
  acceptedAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: "When it reached a final state.",
  })
  finishedAt!: Date | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: "While PENDING: when it may next be attempted.",
  })
  nextAttemptAt!: Date | null;

  @Field(() => GraphQLISODateTime, { description: "After this, transient failures end it FAILED." })
  deadlineAt!: Date;

  @Field(() => Int)
  attemptCount!: number;

  @Field({
    description:
      "Some attempt may have been executed by Baidu without the gateway hearing the answer.",
  })
  outcomeUnknown!: boolean;

  @Field(() => DeliveryFailure, {
    nullable: true,
    description: "Why the last attempt failed, if it did.",
  })
  lastError!: DeliveryFailure | null;

  @Field(() => [OrderWriteResult], {
    nullable: true,
    description: "Baidu's per-order results, once DELIVERED.",
  })
  results!: OrderWriteResult[] | null;

  /** Resolved by DeliveryResolver. */
  supersededById!: number | null;
  retryOfId!: number | null;
}

@ObjectType()
export class DeliveryEdge {
  @Field()
  cursor!: string;

  @Field(() => Delivery)
  node!: Delivery;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ description: "A page of deliveries, newest first (Relay connection)." })
export class DeliveryConnection {
  @Field(() => [DeliveryEdge])
  edges!: DeliveryEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
