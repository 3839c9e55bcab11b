export { workOrderWorkflow } from './work-order';
