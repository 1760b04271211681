// Non-template parts of the informer.
#include "runtime/informer.h"

namespace awio::runtime {

ObjectKey KeyOf(const Json& object) {
  if (!object.is_object() || !object.contains("metadata")) return {};
  const auto& m = object["metadata"];
  return {m.value("namespace", ""), m.value("name", "")};
}

Json StripForCache(Json object) {
  if (object.contains("metadata")) {
    auto& m = object["metadata"];
    m.erase("managedFields");
    if (m.contains("annotations")) {
      m["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
      if (m["annotations"].empty()) m.erase("annotations");
    }
  }
  return object;
}

}  // namespace awio::runtime
