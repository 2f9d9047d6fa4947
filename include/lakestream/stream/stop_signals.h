#pragma once
// stream/stop_signals: stop streaming queries cleanly on SIGINT / SIGTERM, so a job killed by
// Ctrl-C or by its supervisor ends without a partial commit and exits 0.

#include "lakestream/stream/streaming_query.h"

namespace lakestream {

/// Stop `query` when the process receives SIGINT or SIGTERM. The first call installs the
/// handlers (which only write to a pipe; a watcher thread calls stop()). May be called for
/// several queries.
void stop_on_signals(const StreamingQuery& query);
/// Whether SIGINT or SIGTERM arrived since stop_on_signals was first called.
bool stop_signal_received();
/// How long the queries may take to stop after the signal (default 20 s, under Kubernetes'
/// 30 s grace period); past it the process logs why and exits with status 1, abandoning the
/// batch in flight (its files are unreferenced; the next start re-reads it from the table's
/// offsets). <= 0: no limit.
void set_stop_timeout_seconds(double seconds);

}  // namespace lakestream
