import { DataAwsDynamodbTable } from '@cdktf/provider-aws/lib/data-aws-dynamodb-table';
import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { parseRef, physicalName, type ServiceManifest } from '@shop/platform';
import type { Construct } from 'constructs';
import type { BuildOutputs } from '../assets/build-outputs';
import type { StageConfig } from '../config/stage-config';
import type { LoadedService } from '@shop/platform';
import { serviceMonitoring } from '../monitoring/service-monitoring';
import { ShopStack } from '../stacks/shop-stack';
import { type DeployedFunction, serviceFunctions } from './functions';
import { PlatformReader } from './platform-reader';
import { serviceQueues } from './queues';
import { serviceStateMachines } from './state-machines';
import { serviceTables } from './tables';
import { serviceTopics } from './topics';
import { serviceTriggers } from './triggers';

export interface ServiceStackProps {
  config: StageConfig;
  service: LoadedService;
  /** Every service's manifest (this one included): references to other services are looked up there. */
  services: readonly ServiceManifest[];
  outputs: BuildOutputs;
}

/**
 * One service's stack, built from its manifest alone: its tables, queues (with dead-letter
 * queues and alarms), topics, functions with their roles, triggers, state machines, and the
 * alarms and dashboard that watch them. What it
 * needs from the platform it reads from SSM; what it needs from other services it names by
 * their deterministic names and ARNs; so it plans and deploys without any other stack's state.
 */
export class ServiceStack extends ShopStack {
  readonly manifest: ServiceManifest;
  readonly root: string;
  readonly services: readonly ServiceManifest[];
  readonly outputs: BuildOutputs;
  readonly platform: PlatformReader;
  readonly tables = new Map<string, DynamodbTable>();
  /** Work queues, their `<name>-dlq` and the dead-letter queues, by logical name. */
  readonly queues = new Map<string, SqsQueue>();
  readonly topics = new Map<string, SnsTopic>();
  readonly functions = new Map<string, DeployedFunction>();
  /** Each state machine with the log group its errors go to and its definition as read from the file. */
  readonly stateMachines = new Map<string, { machine: SfnStateMachine; logGroup: CloudwatchLogGroup; definition: object }>();
  /** Every alarm of the stack, wherever it was made (a dead-letter queue's beside the queue): the dashboard shows them all. */
  readonly alarms: CloudwatchMetricAlarm[] = [];
  private readonly foreignTables = new Map<string, DataAwsDynamodbTable>();

  constructor(scope: Construct, props: ServiceStackProps) {
    super(scope, props.service.manifest.name, props.config);
    this.manifest = props.service.manifest;
    this.root = props.service.root;
    this.services = props.services;
    this.outputs = props.outputs;
    this.platform = new PlatformReader(this);

    serviceTables(this);
    serviceQueues(this);
    serviceTopics(this);
    serviceFunctions(this);
    serviceTriggers(this);
    serviceStateMachines(this);
    serviceMonitoring(this);
  }

  /** `shop-<stage>-<this service>-<resource>`. */
  physical(resource: string): string {
    return physicalName(this.config.stage, this.manifest.name, resource);
  }

  private own(ref: string): { mine: boolean; service: string; name: string } {
    const { service, name } = parseRef(ref);
    return { mine: service === this.manifest.name, service, name };
  }

  /** A queue's ARN: this stack's resource, or another service's by name. */
  queueArn(ref: string): string {
    const { mine, service, name } = this.own(ref);
    const queue = mine ? this.queues.get(name) : undefined;
    return queue ? queue.arn : this.arns.queue(service, name);
  }

  queueUrl(service: string, queue: string): string {
    const own = service === this.manifest.name ? this.queues.get(queue) : undefined;
    return own ? own.url : this.arns.queueUrl(service, queue);
  }

  topicArn(ref: string): string {
    const { mine, service, name } = this.own(ref);
    const topic = mine ? this.topics.get(name) : undefined;
    return topic ? topic.arn : this.arns.topic(service, name);
  }

  /**
   * The stream ARN of a table. Another service's table is read with a data source: the ARN ends
   * in the stream's creation time, so it cannot be built from the name, and reading the table
   * itself is always current (an SSM copy would go stale if the owner ever re-created its stream)
   * and asks nothing of the owner's stack.
   */
  streamArn(ref: string): string {
    const { mine, service, name } = this.own(ref);
    const table = mine ? this.tables.get(name) : undefined;
    if (table) return table.streamArn;
    let source = this.foreignTables.get(ref);
    if (!source) {
      source = new DataAwsDynamodbTable(this, `stream-source-${service}-${name}`, { name: this.arns.name(service, name) });
      this.foreignTables.set(ref, source);
    }
    return source.streamArn;
  }
}
