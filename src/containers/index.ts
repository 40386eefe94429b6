// Containers (src/containers): the host's side of the guest kernel's
// namespaces and resource groups (src/guests/kernel/ns-*.s).
export { NAMESPACE_LAYOUT, groupView, namespaceView, readNamespaces } from "./view";
export type { GroupEntry, NamespaceEntry } from "./view";
export { MAX_CONTAINERS, containerRuntimeSource, runContainers } from "./run";
export type { ContainerSpec, ContainersOptions, ContainersRun } from "./run";
