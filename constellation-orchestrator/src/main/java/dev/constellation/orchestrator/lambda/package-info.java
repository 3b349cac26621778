/** The orchestrator as an AWS Lambda function, and the agents' client that invokes it. */
package dev.constellation.orchestrator.lambda;
