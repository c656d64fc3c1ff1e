import { STATUS_CODES, type ServerResponse } from "node:http";
import { errnoMessage, gatewayMessage } from "./baidu-text";

/** An answer ready to write: handlers return one, and only the server touches the socket. */
export interface Reply {
  status: number;
  body: string;
  contentType: string;
}

const JSON_TYPE = "application/json;charset=utf-8";
const TEXT_TYPE = "text/plain;charset=utf-8";

export function jsonReply(value: unknown, status = 200): Reply {
  return { status, body: JSON.stringify(value), contentType: JSON_TYPE };
}

export function textReply(status: number, text = STATUS_CODES[status] ?? "Error"): Reply {
  return { status, body: text, contentType: TEXT_TYPE };
}

/**
 * Gateway errors (bad token, quota) come with HTTP 200 and `error_code` (contract §3.2; the status
 * is not documented, §6.18).
 */
export function gatewayErrorReply(code: number, msg = gatewayMessage(code)): Reply {
  return jsonReply({ error_code: code, error_msg: msg });
}

export function errnoReply(errno: number, msg = errnoMessage(errno)): Reply {
  return jsonReply({ errno, msg, data: [] });
}

/** A cut-off success body, as a proxy that drops the connection mid-answer would leave it. */
export function malformedReply(): Reply {
  return {
    status: 200,
    body: '{"errno":0,"msg":"success","data":[{"biz_app_id":',
    contentType: JSON_TYPE,
  };
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    "content-type": reply.contentType,
    "content-length": Buffer.byteLength(reply.body),
  });
  res.end(reply.body);
}
