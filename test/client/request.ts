import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type GraphQLFormattedError } from "graphql";

/** A GraphQL answer as this client reads it, with the HTTP status it came with. */
export interface Answer<R> {
  status: number;
  data?: R | null;
  errors?: readonly GraphQLFormattedError[];
}

/** Sends one typed operation with plain fetch; `key` is the API key, if any. */
export async function request<R, V>(
  url: string,
  key: string | undefined,
  document: TypedDocumentNode<R, V>,
  variables: V,
): Promise<Answer<R>> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as Omit<Answer<R>, "status">;
  return { status: response.status, ...body };
}
