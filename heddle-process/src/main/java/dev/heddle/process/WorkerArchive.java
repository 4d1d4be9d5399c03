package dev.heddle.process;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One worker's use of its runner's class-data archive: the options it starts with, and the
 * recording it may make, kept as the archive once it has exited or dropped if it never
 * started. Does nothing for a runner without an archive.
 */
final class WorkerArchive {

  private final @Nullable ClassDataArchive archive;
  private volatile @Nullable Path recording;

  WorkerArchive(@Nullable ClassDataArchive archive) {
    this.archive = archive;
  }

  /**
   * The class-data options for the worker's command line; the first worker of a runner
   * without an archive records one.
   *
   * @param suffix what makes the recording's file name unique
   */
  List<String> jvmOptions(String suffix) {
    ClassDataArchive a = archive;
    if (a == null) {
      return List.of();
    }
    ClassDataArchive.Options o = a.options(suffix);
    recording = o.recording();
    return o.jvmOptions();
  }

  /** Drops what the worker began to record, when it did not start, so that a later worker may record. */
  void discard() {
    Path rec = recording;
    ClassDataArchive a = archive;
    if (rec != null && a != null) {
      a.discard(rec);
    }
  }

  /** Keeps what the worker recorded as the archive, after it has exited. */
  void save() {
    Path rec = recording;
    ClassDataArchive a = archive;
    if (rec != null && a != null) {
      a.save(rec);
    }
  }
}
