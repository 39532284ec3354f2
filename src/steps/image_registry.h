// Where the image a step builds or runs lives: the local image store or a
// registry, after the step's connector has mapped it.
//
// The local image store (<state dir>/images, an OCI image layout) is the
// embedded default: with no registry configured, BuildAndPush* steps "push"
// into it and Run steps with `image:` find their images there, so a
// pipeline runs offline and unchanged. A registry is used when a connector
// names one:
//  - Aws connector, for ECR (BuildAndPushECR, and Run steps whose image is
//    an ECR URI): `spec.ecrEndpoint: HOST[:PORT]` is the registry that
//    stands in for <account>.dkr.ecr.<region>.amazonaws.com; the repository
//    is the image name. `http://` before the host is allowed for loopback
//    hosts, or for others with `spec.insecure: true`. Credentials (basic
//    auth) come from `spec.credential.spec`: accessKey (or accessKeyRef, a
//    secret) is the user, secretKeyRef (a secret) the password; without
//    secretKeyRef, no credentials. Without ecrEndpoint: the local store,
//    tagged with the ECR URI.
//  - DockerRegistry connector (BuildAndPushDockerRegistry, Run steps):
//    `spec.dockerRegistryUrl` (HOST[:PORT] after http:// or https://; a
//    trailing /v1/ or /v2/ is ignored; http:// only for loopback hosts, as
//    the registry client allows, `spec.insecure: true` for others),
//    `spec.auth.type` UsernamePassword (username or usernameRef, and
//    passwordRef, both secrets references) or Anonymous.
//  - No connector: a reference whose first component is a registry host
//    (has a '.' or ':' or is "localhost") is pulled from that registry;
//    otherwise the local store, under the reference exactly as written
//    (the tag `sluice image build -t` gives, and `sluice image ls` shows).
// A reference without tag or digest means ":latest" (StepImage). Connector
// fields are read as written (no expressions); step fields arrive resolved.
// Secret values are resolved through the step's scope and added to the
// step's masker; they never appear in errors. Errors are InvalidArgument
// naming the connector (identifier and file:line) and the field, or the
// secret store's error for a missing secret. Thread-safety: the functions
// only read their arguments; LockImageStore serialises writers of the store.
#pragma once

#include <string>
#include <string_view>

#include "common/cancellation.h"
#include "common/status.h"
#include "engine/step.h"
#include "oci/layout.h"
#include "oci/reference.h"
#include "oci/registry.h"
#include "oci/store_lock.h"
#include "pipeline/ir.h"

namespace sluice::steps {

struct ImageLocation {
  // As the pipeline names it (the ECR URI for ECR): for logs and outputs.
  std::string display;
  // In the local store: tagged `display` there. Else in a registry.
  bool local_store = false;
  // The registry host is the real endpoint (not the ECR name) when remote.
  oci::ImageReference reference;
  oci::RegistryOptions registry;  // credentials and insecure hosts when remote
};

// <account>.dkr.ecr.<region>.amazonaws.com/<image_name>:<tag> through an Aws
// connector. InvalidArgument naming the field when the connector is not Aws
// or a value is malformed.
Result<ImageLocation> EcrImage(const engine::StepContext& ctx, const pipeline::Connector& aws,
                               std::string_view account, std::string_view region,
                               std::string_view image_name, std::string_view tag);

// <repo>:<tag> through a DockerRegistry connector (`repo` may name the
// registry host itself, as Harness allows; the connector's URL wins).
Result<ImageLocation> DockerRegistryImage(const engine::StepContext& ctx,
                                          const pipeline::Connector& registry,
                                          std::string_view repo, std::string_view tag);

// The `image:` of a Run step, with its optional connectorRef (`connector`
// may be null): an ECR URI through an Aws connector, anything through a
// DockerRegistry connector, else as described above.
Result<ImageLocation> StepImage(const engine::StepContext& ctx,
                                const pipeline::Connector* connector, std::string_view image);

// The local image store of this state directory (created when missing:
// open it under LockImageStore, as steps running at once may both create it).
Result<oci::ImageLayout> OpenImageStore(const engine::StepContext& ctx);

// Held while a step changes the local store's index (build and tag, pull),
// as `sluice image` commands do (oci/store_lock.h).
using ImageStoreLock = oci::StoreLock;

// Waits for the lock; Aborted when `cancel` fires first, IoError when the
// lock file cannot be opened.
Result<ImageStoreLock> LockImageStore(const engine::StepContext& ctx, const Cancellation& cancel);

}  // namespace sluice::steps
