// Building an image and pushing it at the same time.
//
// BuildAndPush() gives the outcome of BuildImage() followed by Push(), sooner:
// it pushes while it builds. Each layer the build makes is uploaded while it
// is being compressed (an upload session per layer, fed by the compressing
// threads: blob_stream.h); a layer the build finds in its cache is uploaded as
// soon as it is found, unless the registry has it already; the config's
// upload session is opened when the build starts, and the config and the
// manifest are sent as soon as the build has composed them, while it stores
// them in the layout. Whatever did not get there along the way (a refused or
// failed upload) is sent afterwards by an ordinary Push, which also reports
// the error when the registry keeps refusing.
//
// Errors: the build's are the call's (BuildImage's, with `diagnostics` as
// it fills them); a build that fails while storing the image in the layout
// may have pushed it already. The push's are BuildPushResult::pushed's: the
// image was built and stored all the same. Thread-safety: as BuildImage;
// the client must be usable from several threads (RegistryClient is).
#pragma once

#include <string_view>

#include "common/diagnostic.h"
#include "common/status.h"
#include "oci/builder.h"
#include "oci/layout.h"
#include "oci/registry.h"
#include "oci/transfer.h"

namespace sluice::oci {

struct BuildPushResult {
  Descriptor image;  // the manifest in the layout, tagged request.tag
  // The manifest as pushed and what was sent, or why the push failed (as
  // Push says it).
  Result<PushResult> pushed = Status::Internal("the image was not pushed");
};

// Builds `request` into `layout` and pushes it to `repository`:`tag` on
// `client`. The request's own on_layer, stream_layer and on_image, if set,
// are replaced.
Result<BuildPushResult> BuildAndPush(BuildRequest request, const ImageLayout& layout,
                                     DiagnosticList& diagnostics, RegistryClient& client,
                                     std::string_view repository, std::string_view tag);

}  // namespace sluice::oci
