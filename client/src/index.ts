// The package's whole surface: a typed document (`ImportOrderDocument`, …) with its result and
// variables types (`ImportOrderMutation`, `ImportOrderMutationVariables`) for every operation in
// client/operations, the schema's input and enum types, the fragments' types, and the gateway's
// error codes with helpers to read them.
export * from "../generated/graphql.js";
export * from "../generated/error-codes.js";
export * from "./errors.js";
