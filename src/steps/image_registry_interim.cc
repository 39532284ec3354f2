// Interim definitions of steps/image_registry.h without connectors, so Run
// steps with `image:` work from the local store and from a registry named
// in the reference. Replaced by image_registry.cc (delete this file then).
#include "steps/image_registry.h"

namespace sluice::steps {

Result<ImageLocation> StepImage(const engine::StepContext& ctx,
                                const pipeline::Connector* connector, std::string_view image) {
  (void)ctx;
  if (connector != nullptr) {
    return Status::Unimplemented("spec.connectorRef: connectors for Run step images are not "
                                 "supported by this build; name the registry in the image");
  }
  ImageLocation where;
  where.display = std::string(image);
  std::string_view first = image.substr(0, image.find('/'));
  bool host = image.find('/') != std::string_view::npos &&
              (first.find_first_of(".:") != std::string_view::npos || first == "localhost");
  SLUICE_ASSIGN_OR_RETURN(where.reference, oci::ParseImageReference(image));
  where.local_store = !host;
  return where;
}

Result<oci::ImageLayout> OpenImageStore(const engine::StepContext& ctx) {
  return oci::ImageLayout::Open(ctx.state_dir / "images");
}

}  // namespace sluice::steps
