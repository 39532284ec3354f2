#include "store/s3_xml.h"

#include <cstdlib>
#include <pugixml.hpp>

namespace sluice::store {
namespace {

Result<pugi::xml_node> ParseRoot(pugi::xml_document& doc, std::string_view xml, const char* root) {
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return Status::IoError(std::string("S3 sent a malformed ") + root +
                           " document: " + parsed.description());
  }
  pugi::xml_node node = doc.child(root);
  if (!node) {
    return Status::IoError(std::string("S3 sent no ") + root +
                           " document: " + std::string(xml.substr(0, 200)));
  }
  return node;
}

int64_t ToInt64(const char* text) { return std::strtoll(text, nullptr, 10); }

}  // namespace

std::string Unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

std::optional<S3ErrorBody> ParseS3Error(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return std::nullopt;
  pugi::xml_node error = doc.child("Error");
  if (!error) return std::nullopt;
  return S3ErrorBody{error.child_value("Code"), error.child_value("Message")};
}

Result<S3Listing> ParseListObjectsV2(std::string_view xml) {
  pugi::xml_document doc;
  SLUICE_ASSIGN_OR_RETURN(pugi::xml_node root, ParseRoot(doc, xml, "ListBucketResult"));
  S3Listing listing;
  for (pugi::xml_node contents : root.children("Contents")) {
    S3Object object;
    object.key = contents.child_value("Key");
    object.size = ToInt64(contents.child_value("Size"));
    object.etag = Unquote(contents.child_value("ETag"));
    object.last_modified = contents.child_value("LastModified");
    listing.objects.push_back(std::move(object));
  }
  for (pugi::xml_node prefix : root.children("CommonPrefixes")) {
    listing.common_prefixes.emplace_back(prefix.child_value("Prefix"));
  }
  if (std::string_view(root.child_value("IsTruncated")) == "true") {
    listing.next_continuation_token = root.child_value("NextContinuationToken");
    if (listing.next_continuation_token.empty()) {
      return Status::IoError("S3 said the listing is truncated but sent no NextContinuationToken");
    }
  }
  return listing;
}

Result<std::string> ParseUploadId(std::string_view xml) {
  pugi::xml_document doc;
  SLUICE_ASSIGN_OR_RETURN(pugi::xml_node root,
                          ParseRoot(doc, xml, "InitiateMultipartUploadResult"));
  std::string id = root.child_value("UploadId");
  if (id.empty()) return Status::IoError("S3 started a multipart upload without an UploadId");
  return id;
}

Result<std::string> ParseCompleteMultipartUpload(std::string_view xml) {
  pugi::xml_document doc;
  SLUICE_ASSIGN_OR_RETURN(pugi::xml_node root,
                          ParseRoot(doc, xml, "CompleteMultipartUploadResult"));
  return Unquote(root.child_value("ETag"));
}

std::string CompleteMultipartUploadXml(const std::vector<std::string>& etags) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  for (size_t i = 0; i < etags.size(); ++i) {
    pugi::xml_node part = root.append_child("Part");
    part.append_child("PartNumber").text().set(static_cast<unsigned long long>(i + 1));
    std::string quoted = etags[i].starts_with('"') ? etags[i] : '"' + etags[i] + '"';
    part.append_child("ETag").text().set(quoted.c_str());
  }
  struct Writer : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override {
      out.append(static_cast<const char*>(data), size);
    }
  } writer;
  doc.save(writer, "", pugi::format_raw | pugi::format_no_declaration);
  return writer.out;
}

}  // namespace sluice::store
