#pragma once
// ui/assets (private): the pages, scripts and styles the UI serves, compiled into the library
// from src/ui/assets/ (and uPlot's dist files) by cmake/embed_assets.cmake.

#include <string_view>
#include <vector>

namespace lakestream::ui_internal {

struct EmbeddedAsset {
  std::string_view path;   ///< URL path: "/", "/query.html", "/static/ui.js", ...
  std::string_view bytes;  ///< the file's contents
};

/// Every embedded file.
const std::vector<EmbeddedAsset>& embedded_assets();

}  // namespace lakestream::ui_internal
