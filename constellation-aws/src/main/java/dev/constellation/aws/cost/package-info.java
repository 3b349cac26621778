/** Task sizes and the cost estimate of a run on AWS, from the plan and a dated price table, without AWS calls. */
package dev.constellation.aws.cost;
