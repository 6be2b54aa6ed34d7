// The handlers' path in the state of every lab made before components/provider/ existed: Pulumi keeps
// the serialized shim of a resource that does not change, and that shim loads this file. Kept so those
// labs still update and destroy; new resources load provider/registry.ts.
export { handlers } from "../provider/registry";
