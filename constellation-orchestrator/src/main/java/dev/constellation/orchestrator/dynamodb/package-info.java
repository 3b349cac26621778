/** Run state in DynamoDB: the only package that uses the DynamoDB SDK. */
package dev.constellation.orchestrator.dynamodb;
