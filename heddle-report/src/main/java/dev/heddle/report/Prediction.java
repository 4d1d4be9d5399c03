package dev.heddle.report;

import java.time.Duration;

/**
 * The makespan a graph is predicted to take on a number of workers, with the two bounds no
 * schedule can beat.
 *
 * @param workers the number of workers
 * @param makespan the predicted wall time: the runner's own scheduling policy (each ready task,
 *     in the order it became ready, to the first free worker) simulated with the measured task
 *     times and per-task overhead
 * @param work the sum of the task times
 * @param span the longest path through the graph by task times (the critical path's length)
 * @param bound the larger of {@code work / workers} and {@code span}: no run on this many
 *     workers can be shorter
 */
public record Prediction(
    int workers, Duration makespan, Duration work, Duration span, Duration bound) {}
