// Where the API schema integration tests find their data: this directory's testdata/ and the
// API reference page whose examples they check, fixed at build time (AWIO_API_TESTDATA_DIR,
// AWIO_API_REFERENCE_DOC) so the tests read the checkout they were built from.
#pragma once

#include <filesystem>

namespace awio::test {

inline std::filesystem::path ApiTestdataDir() { return AWIO_API_TESTDATA_DIR; }
inline std::filesystem::path ApiReferenceDoc() { return AWIO_API_REFERENCE_DOC; }

}  // namespace awio::test
